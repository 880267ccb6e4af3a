"""Issue 16 point 5: cloze, calculated and description items, and Moodle's multiple response
with several 100 % answers."""

import builtins
import json
import random
from dataclasses import replace

import pytest

from question_bank import (
    QuestionType,
    ReviewOptions,
    export_questions,
    grade,
    import_questions,
    kind_of,
    normalise_response,
    preview,
    public_view,
    read_gift,
    read_moodle_xml,
    read_yaml,
    review_view,
    validate_definition,
)
from question_bank.editor import editor_values, fields_for, native_from_values
from question_bank.grading import GradeState
from question_bank.model import (
    AnswerFormat,
    Curriculum,
    GapAnswer,
    GapDisplay,
    GapKind,
    LocalText,
    ToleranceType,
    Wildcard,
)
from question_bank.native import question_from_data, question_to_data
from question_bank.qtypes import ResponseError
from question_bank.qtypes.formula import FormulaError, evaluate, parse
from tests.question_bank.builders import (
    calculated,
    case,
    cloze,
    description,
    single_choice,
    text,
)


def codes(found):
    return {(item.field, item.code) for item in found}


def all_keys(value):
    if isinstance(value, dict):
        for key, child in value.items():
            yield key
            yield from all_keys(child)
    elif isinstance(value, list):
        for child in value:
            yield from all_keys(child)


# --- cloze ---------------------------------------------------------------------------------
def _choice_id(question, gap_number, option_text):
    view = public_view(question, "en", random.Random(0))
    gap = next(s["gap"] for s in view["segments"] if s.get("gap", {}).get("number") == gap_number)
    return next(o["id"] for o in gap["options"] if o["text_html"] == option_text)


def test_a_cloze_question_is_valid_and_round_trips_the_native_format():
    question = cloze()
    assert validate_definition(question) == []
    assert question_from_data(question_to_data(question)) == question


def test_cloze_markers_must_match_the_gaps_in_every_language():
    broken = cloze(text=LocalText(zh="[[1]] [[2]] [[3]]", en="[[1]] and [[1]], no third"))
    found = validate_definition(broken)
    assert codes(found) == {("text.en", "cloze.markers")}
    message = found[0].message("en")
    assert "Missing: [[2]], [[3]]" in message and "repeated: [[1]]" in message


def test_cloze_gaps_need_answers_of_their_kind_and_one_at_full_credit():
    question = cloze()
    short, number, choice = question.gaps
    bad = replace(question, gaps=(
        replace(short, answers=(GapAnswer(0.5, text=text("half")),)),
        replace(number, answers=(GapAnswer(1.0, text=text("24")),)),
        replace(choice, answers=(GapAnswer(1.0, text=text("phone")),), marks=0.0)))
    found = codes(validate_definition(bad))
    assert ("gaps[0].answers", "answers.no_full_credit") in found
    assert ("gaps[1].answers[0]", "cloze.numerical_answer") in found
    assert ("gaps[2].answers", "list.too_few") in found
    assert ("gaps[2].marks", "points.invalid") in found


def test_cloze_partial_credit_is_the_marks_weighted_sum_of_the_gaps():
    question = cloze()
    fax = _choice_id(question, 3, "fax")
    phone = _choice_id(question, 3, "phone")
    result = grade(question, {"1": "  Responder ", "2": "24.5", "3": fax})
    # gap 1: half of 1 mark, gap 2: within 24 ± 1 (1 mark), gap 3: wrong (2 marks) -> 1.5/4
    assert result.fraction == pytest.approx(0.375)
    assert [part.correct for part in result.parts] == [False, True, False]
    assert [f.en for f in result.feedback] == ["Nearly.", "Nobody faxes."]
    assert grade(question, {"1": "首问负责", "2": "２４", "3": phone}).fraction == 1.0
    only_choice = grade(question, {"3": phone})
    assert only_choice.fraction == pytest.approx(0.5) and only_choice.parts[0].correct is None
    assert grade(question, {"2": "forty"}).fraction == 0.0
    assert grade(question, {}).state == GradeState.UNANSWERED


def test_cloze_refuses_forged_options_and_unknown_gaps():
    question = cloze()
    with pytest.raises(ResponseError):
        grade(question, {"3": "o-forged"})
    with pytest.raises(ResponseError):
        grade(question, {"9": "x"})
    with pytest.raises(ResponseError):
        grade(question, ["24"])


def test_the_cloze_view_hides_answers_and_the_review_marks_each_gap():
    question = cloze()
    view = public_view(question, "en", random.Random(3))
    shown = json.dumps(view, ensure_ascii=False)
    assert "first responder" not in shown and "Nearly" not in shown and "24" not in shown
    assert not {"fraction", "feedback_html", "right_html", "correct"} & set(all_keys(view))
    assert view["text_html"] == "" and "calls back within" in shown
    review = review_view(question, {"1": "responder", "2": "48"},
                         grade(question, {"1": "responder", "2": "48"}), "en",
                         random.Random(3), ReviewOptions())
    gaps = [s["gap"] for s in review["segments"] if "gap" in s]
    assert [g["correct"] for g in gaps[:2]] == [False, False]
    assert gaps[0]["feedback_html"] == "Nearly." and gaps[1]["right_html"] == "24 ± 1"
    assert gaps[2]["response"] is None and gaps[2]["right_html"] == "phone"
    assert "<li>first responder</li>" in review["right_answer_html"]


def test_shuffled_choice_gaps_keep_one_order_per_trainee_in_attempt_and_review():
    question = cloze()
    gaps = list(question.gaps)
    options = tuple(GapAnswer(1.0 if i == 0 else 0.0, text=text(f"option {i}")) for i in range(6))
    gaps[2] = replace(gaps[2], answers=options, shuffle=True, display=GapDisplay.DROPDOWN)
    question = replace(question, gaps=tuple(gaps))
    canonical = public_view(replace(question, shuffle_options=False), "en", random.Random(0))
    kind_of(question).shuffle_view(canonical, random.Random("a:1"), True)
    review = public_view(question, "en", random.Random("a:1"))

    def order(view):
        return [o["id"] for o in view["segments"][-2]["gap"]["options"]]

    assert order(canonical) == order(review)
    orders = set()
    for seed in range(8):
        view = public_view(question, "en", random.Random(seed))
        orders.add(tuple(order(view)))
    assert len(orders) > 1


def test_cloze_reads_a_plain_form_post():
    question = cloze()
    form = {"q-7-g1": "first responder", "q-7-g2": " ", "q-7-g3": "o1"}

    class Form(dict):
        def getlist(self, name):
            return [self[name]] if name in self else []

    assert kind_of(question).response_from_form(question, Form(form), "q-7") == {
        "1": "first responder", "3": "o1"}


CLOZE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="cloze">
    <name><text>Callback rules</text></name>
    <questiontext format="html"><text><![CDATA[<p>The
{1:SHORTANSWER:=first responder#Right~%50%responder#Nearly} calls back within
{2:NUMERICAL:=24:1~%50%48#Too slow} hours, by {1:MULTICHOICE:=phone~fax#Nobody faxes}.
Short forms: {:SA:=yes} {:NM:=3.5:0.1} {:MC:=a~b} {1:MCV:=up~down} {1:MCH:=left~right}
{1:MCVS:=x~y} {1:MULTICHOICE_S:=p~q} {1:SA:=a\\}b\\#c\\~d}</p>]]></text></questiontext>
    <generalfeedback format="html"><text>Because.</text></generalfeedback>
    <idnumber>cz-callback</idnumber>
  </question>
</quiz>
"""


def test_moodle_cloze_imports_every_gap_form_and_round_trips_exactly():
    result = read_moodle_xml(CLOZE_XML, "cloze.xml", language="en")
    assert result.errors == ()
    [question] = result.questions
    assert question.type == QuestionType.CLOZE and question.key == "cz-callback"
    assert question.points == 12  # no defaultgrade: the sum of the gaps' marks, as Moodle
    kinds = [(g.kind, g.marks, g.display, g.shuffle) for g in question.gaps]
    assert kinds[:3] == [(GapKind.SHORT_ANSWER, 1, GapDisplay.DROPDOWN, False),
                         (GapKind.NUMERICAL, 2, GapDisplay.DROPDOWN, False),
                         (GapKind.CHOICE, 1, GapDisplay.DROPDOWN, False)]
    assert kinds[6][2:] == (GapDisplay.VERTICAL, False)
    assert kinds[7][2:] == (GapDisplay.HORIZONTAL, False)
    assert kinds[8][2:] == (GapDisplay.VERTICAL, True)
    assert kinds[9][2:] == (GapDisplay.DROPDOWN, True)
    first = question.gaps[0].answers
    assert (first[1].text.en, first[1].fraction, first[1].feedback.en) == ("responder", 0.5,
                                                                          "Nearly")
    assert (question.gaps[1].answers[0].value, question.gaps[1].answers[0].tolerance) == (24, 1)
    assert question.gaps[10].answers[0].text.en == "a}b#c~d"
    assert question.text.en.startswith("<p>The\n[[1]] calls back within\n[[2]] hours")
    assert validate_definition(question) == []

    exported = export_questions([question], "xml", "en")
    assert "{1:SHORTANSWER:=first responder#Right~%50%responder#Nearly}" in exported.text
    assert "{2:NUMERICAL:=24:1~%50%48#Too slow}" in exported.text
    assert "{1:MULTICHOICE_VS:=x~%0%y}" in exported.text
    assert "{1:MULTICHOICE_S:=p~%0%q}" in exported.text
    assert "a\\}b\\#c\\~d" in exported.text
    again = read_moodle_xml(exported.text, "again.xml", language="en")
    assert again.questions == (question,)
    assert export_questions(again.questions, "xml", "en").text == exported.text


def test_cloze_gap_types_we_cannot_grade_are_refused_with_their_line():
    text_ = CLOZE_XML.replace("{1:MCH:=left~right}", "{1:MULTIRESPONSE:=left~=right}")
    result = read_moodle_xml(text_, "mr.xml", language="en")
    assert result.questions == ()
    [error] = result.errors
    assert (error.code, error.line) == ("xml.cloze_gap_type", 5)  # the question text's line
    assert "MULTIRESPONSE" in error.message("en")
    broken = read_moodle_xml(CLOZE_XML.replace("=24:1~", "=twenty:1~"), "x.xml", language="en")
    assert [e.code for e in broken.errors] == ["xml.cloze_syntax"]


def test_a_case_sensitive_gap_imports_with_a_warning():
    text_ = CLOZE_XML.replace("{:SA:=yes}", "{:SAC:=Yes}")
    result = read_moodle_xml(text_, "c.xml", language="en")
    assert result.errors == () and [w.code for w in result.warnings] == ["xml.cloze_case"]


def test_gift_cannot_carry_cloze_or_calculated_and_says_so():
    exported = export_questions([cloze(), calculated(), single_choice()], "gift", "en")
    assert {item.key for item in exported.skipped} == {"cz-1", "cc-1"}
    assert "Moodle XML" in exported.skipped[0].message("en")
    assert "::sc-1::" in exported.text


# --- calculated: the formula -----------------------------------------------------------------
@pytest.mark.parametrize(("formula", "value"), [
    ("{a} * {b}", 6.0), ("1 + 2 * 3", 7.0), ("(1 + 2) * 3", 9.0), ("2 ^ 3 ^ 2", 512.0),
    ("-{a} ^ 2", -4.0), ("2 ** 3", 8.0), ("10 / 4", 2.5), ("sqrt(16) + abs(-2)", 6.0),
    ("min({a}, {b}, 1)", 1.0), ("max({a}, {b})", 3.0), ("round(2.345, 2)", 2.35),
    ("round(pi, 3)", 3.142), ("pi() * 0 + 1e2", 100.0), ("pow({b}, 2)", 9.0),
    ("{ a } + .5", 2.5)])
def test_the_formula_parser_computes_arithmetic(formula, value):
    assert evaluate(parse(formula), {"a": 2.0, "b": 3.0}) == pytest.approx(value)


@pytest.mark.parametrize(("formula", "code", "position"), [
    ('__import__("os").system("ls")', "formula.unknown_function", 1),
    ("{a} + eval('1')", "formula.unknown_function", 7),
    ("{a}.__class__", "formula.character", 4),
    ("().__class__", "formula.unexpected", 2),
    ("{a} +", "formula.incomplete", 6),
    ("({a} + 1", "formula.incomplete", 9),
    ("{a} {b}", "formula.unexpected", 5),
    ("{1a} + 1", "formula.wildcard_name", 1),
    ("sqrt(1, 2)", "formula.arguments", 1),
    ("lambda: 1", "formula.unknown_function", 1),
    ("'x' * 9", "formula.character", 1),
    ("", "formula.empty", 1),
    ("(" * 60 + "1" + ")" * 60, "formula.too_deep", 42),
    ("1+" * 300 + "1", "formula.too_long", 500),
])
def test_the_formula_parser_refuses_anything_but_arithmetic(formula, code, position):
    with pytest.raises(FormulaError) as caught:
        parse(formula)
    assert (caught.value.code, caught.value.position) == (code, position)


def test_formulas_are_never_evaluated_by_python(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec must not be used")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(builtins, "compile", forbidden)
    assert evaluate(parse("{a} * (1 + {b} / 100)"), {"a": 200, "b": 10}) == pytest.approx(220)


def test_evaluation_without_a_finite_value_is_refused():
    for formula in ("1 / 0", "sqrt(-1)", "10 ^ 400", "exp(1000)", "log(0)"):
        with pytest.raises(FormulaError) as caught:
            evaluate(parse(formula), {})
        assert caught.value.code == "formula.math"


# --- calculated: the question -----------------------------------------------------------------
def test_a_calculated_question_is_valid_and_round_trips_the_native_format():
    question = calculated()
    assert validate_definition(question) == []
    assert question_from_data(question_to_data(question)) == question


def test_a_bad_formula_is_refused_with_its_field_and_line():
    bank = """curriculum: service_standards
category: tests
questions:
  - key: calc-bad
    type: calculated
    difficulty: easy
    text: {en: "{a} apples"}
    formula: "__import__('os').system('rm -rf /')"
    wildcards:
      - {name: a, values: [1, 2]}
"""
    result = read_yaml(bank, "bad.yaml", shipped=False)
    assert result.questions == ()
    [error] = result.errors
    assert (error.code, error.field, error.line, error.key) == (
        "formula.unknown_function", "formula", 8, "calc-bad")
    assert "__import__" in error.message("en") and "sqrt" in error.message("zh")


def test_wildcards_must_be_defined_used_and_of_one_size():
    question = calculated(wildcards=(Wildcard("price", (1.0, 2.0)), Wildcard("extra", (1.0,)),
                                     Wildcard("rate", (), minimum=5.0, maximum=1.0)),
                          formula="{price} * {rate} / {missing}")
    found = codes(validate_definition(question))
    assert ("wildcards", "calculated.undefined") in found
    assert ("wildcards[1].name", "calculated.unused") in found
    assert ("wildcards[1].values", "calculated.sizes") in found
    assert ("wildcards[2]", "numerical.range") in found
    dividing = calculated(formula="{price} / ({rate} - 20)")
    assert codes(validate_definition(dividing)) == {("formula", "calculated.item_math")}


def test_each_attempt_draws_one_item_deterministically_from_its_generator():
    question = calculated()
    kind = kind_of(question)
    first = public_view(question, "en", random.Random("attempt-1:77"))
    again = public_view(question, "en", random.Random("attempt-1:77"))
    assert (first["item"], first["text_html"]) == (again["item"], again["text_html"])
    drawn = {public_view(question, "en", random.Random(seed))["text_html"]
             for seed in range(30)}
    assert drawn == {"<p>Refund 10 % of 200 yuan: how much?</p>",
                     "<p>Refund 20 % of 350 yuan: how much?</p>",
                     "<p>Refund 50 % of 80 yuan: how much?</p>"}
    # The attempt page (canonical view + the trainee's generator) draws the same item.
    canonical = public_view(question, "en", random.Random(0))
    kind.shuffle_view(canonical, random.Random("attempt-1:77"), False)
    assert canonical["item"] == first["item"] and "draws" not in canonical


def test_ranges_make_the_same_items_every_time_within_their_bounds():
    question = calculated(wildcards=(Wildcard("price", (), minimum=100, maximum=500, decimals=1),
                                     Wildcard("rate", (), minimum=5, maximum=30)),
                          dataset_size=7)
    kind = kind_of(question)
    assert validate_definition(question) == []
    items = [kind.item_values(question, index) for index in range(kind.item_count(question))]
    assert len(items) == 7 and items == [kind.item_values(question, i) for i in range(7)]
    assert all(100 <= item["price"] <= 500 and round(item["price"], 1) == item["price"]
               and item["rate"] == int(item["rate"]) for item in items)
    assert len({item["price"] for item in items}) > 1


def test_calculated_answers_are_graded_against_the_formula_within_the_tolerance():
    question = calculated()
    view = public_view(question, "en", random.Random(5))
    kind = kind_of(question)
    right = kind.right_value(question, kind.item_ids(question)[view["item"]])
    item = view["item"]
    assert grade(question, {"item": item, "answer": str(right)}).fraction == 1.0
    assert grade(question, {"item": item, "answer": str(right * 1.009)}).fraction == 1.0
    assert grade(question, {"item": item, "answer": str(right * 1.02)}).fraction == 0.0
    nominal = replace(question, tolerance=0.5, tolerance_type=ToleranceType.NOMINAL)
    assert grade(nominal, {"item": item, "answer": str(right + 0.5)}).fraction == 1.0
    assert grade(nominal, {"item": item, "answer": str(right + 0.6)}).fraction == 0.0
    assert grade(question, {"item": item, "answer": "lots"}).note == "not_a_number"
    assert grade(question, {"item": item, "answer": " "}).state == GradeState.UNANSWERED
    with pytest.raises(ResponseError):
        grade(question, {"item": "d-forged", "answer": "1"})
    with pytest.raises(ResponseError):
        grade(question, "40")


def test_the_calculated_review_shows_the_item_answered_and_its_right_value():
    question = calculated(decimals=1)
    kind = kind_of(question)
    ids = kind.item_ids(question)
    item = next(i for i, index in ids.items() if kind.item_values(question, index)["price"] == 350)
    response = {"item": item, "answer": "70"}
    review = review_view(question, response, grade(question, response), "en",
                         random.Random(1), ReviewOptions())
    assert review["text_html"] == "<p>Refund 20 % of 350 yuan: how much?</p>"
    assert review["right_answer_html"] == "70.0" and review["correctness"] == "correct"
    assert "draws" not in review
    hidden = review_view(question, response, grade(question, response), "en",
                         random.Random(1), ReviewOptions.nothing())
    assert "right_answer_html" not in hidden
    assert kind.response_text(question, response, "en") == "70 (price=350, rate=20)"
    significant = replace(question, answer_format=AnswerFormat.SIGNIFICANT, decimals=3)
    assert kind.format_value(significant, 2 / 3) == "0.667"
    assert kind.format_value(question, 2 / 3) == "0.7"


CALCULATED_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="calculatedsimple">
    <name><text>Refund</text></name>
    <questiontext format="html"><text>Refund {rate} % of {price} yuan?</text></questiontext>
    <defaultgrade>2</defaultgrade>
    <answer fraction="100">
      <text>{price} * {rate} / 100</text>
      <tolerance>0.5</tolerance>
      <tolerancetype>2</tolerancetype>
      <correctanswerformat>1</correctanswerformat>
      <correctanswerlength>1</correctanswerlength>
    </answer>
    <units><unit><multiplier>1</multiplier><unit_name>yuan</unit_name></unit></units>
    <dataset_definitions>
      <dataset_definition>
        <status><text>private</text></status><name><text>price</text></name>
        <type>calculatedsimple</type><distribution><text>uniform</text></distribution>
        <minimum><text>50</text></minimum><maximum><text>500</text></maximum>
        <decimals><text>0</text></decimals><itemcount>2</itemcount>
        <dataset_items>
          <dataset_item><number>2</number><value>350</value></dataset_item>
          <dataset_item><number>1</number><value>200</value></dataset_item>
        </dataset_items>
      </dataset_definition>
      <dataset_definition>
        <status><text>private</text></status><name><text>rate</text></name>
        <dataset_items>
          <dataset_item><number>1</number><value>10</value></dataset_item>
          <dataset_item><number>2</number><value>20</value></dataset_item>
        </dataset_items>
      </dataset_definition>
    </dataset_definitions>
  </question>
</quiz>
"""


def test_moodle_calculated_imports_and_round_trips_exactly():
    result = read_moodle_xml(CALCULATED_XML, "calc.xml", language="en")
    assert result.errors == ()
    [question] = result.questions
    assert question.type == QuestionType.CALCULATED and question.points == 2
    assert question.formula == "{price} * {rate} / 100"
    assert question.wildcards[0] == Wildcard("price", (200.0, 350.0), 50.0, 500.0, 0)
    assert question.wildcards[1].values == (10.0, 20.0)
    assert (question.tolerance, question.tolerance_type, question.decimals) == (
        0.5, ToleranceType.NOMINAL, 1)
    assert question.unit.en == "yuan" and validate_definition(question) == []
    exported = export_questions([question], "xml", "en")
    assert '<question type="calculatedsimple">' in exported.text
    again = read_moodle_xml(exported.text, "again.xml", language="en")
    assert again.questions == (question,)
    also = read_moodle_xml(CALCULATED_XML.replace("calculatedsimple", "calculated"), "c.xml",
                           language="en")
    assert also.questions[0].formula == question.formula


def test_moodle_calculated_settings_we_cannot_grade_are_refused_with_their_line():
    geometric = CALCULATED_XML.replace("<tolerancetype>2", "<tolerancetype>3")
    [error] = read_moodle_xml(geometric, "g.xml", language="en").errors
    assert (error.code, error.line) == ("xml.tolerance_type", 10)
    two = CALCULATED_XML.replace("</answer>", "</answer>\n    <answer fraction=\"50\">"
                                 "<text>{price}</text></answer>", 1)
    [error] = read_moodle_xml(two, "two.xml", language="en").errors
    assert (error.code, error.line) == ("xml.calculated_answers", 14)
    bad = CALCULATED_XML.replace("{price} * {rate} / 100", "{price} * os.system(1)")
    [error] = read_moodle_xml(bad, "bad.xml", language="en").errors
    assert (error.code, error.line, error.field) == ("formula.unknown_function", 7, "formula")


# --- description -------------------------------------------------------------------------------
def test_a_description_is_text_only_and_worth_nothing():
    item = description()
    assert validate_definition(item) == []
    assert codes(validate_definition(replace(item, points=1.0))) == {
        ("points", "description.points")}
    assert question_to_data(item).get("points") is None
    assert question_from_data(question_to_data(item)) == item
    result = grade(item, None)
    assert result.state == GradeState.UNANSWERED and result.score(item.points) == 0
    with pytest.raises(ResponseError):
        grade(item, "an answer")
    review = review_view(item, None, result, "en", random.Random(0), ReviewOptions())
    assert review["state"] == "info" and "score" not in review and "correctness" not in review
    assert review["general_feedback_html"] == "<p>Because.</p>"


def test_a_description_cannot_sit_in_a_case():
    holder = case()
    holder = replace(holder, subquestions=holder.subquestions + (
        replace(description("ca-1-d"), category="", tags=()),))
    assert ("subquestions[3].type", "case.description") in codes(validate_definition(holder))


def test_gift_reads_a_question_without_answers_as_a_description_and_writes_it_back():
    source = "// [id:welcome] [tag:intro]\n::Welcome:: Read the callback rules first.\n\n" \
             "::q::Callbacks are optional.{F}\n"
    result = read_gift(source, "d.gift", language="en")
    assert result.errors == ()
    first, second = result.questions
    assert (first.type, first.key, first.points, first.tags) == (
        QuestionType.DESCRIPTION, "welcome", 0.0, ("intro",))
    assert first.text.en == "Read the callback rules first."
    assert second.type == QuestionType.TRUE_FALSE
    exported = export_questions([first], "gift", "en")
    assert "{" not in exported.text and "::welcome::Read the callback rules first." in exported.text
    assert read_gift(exported.text, "again.gift", language="en").questions == (first,)
    assert read_gift("::Title only::", "t.gift", language="en").errors[0].code == \
        "gift.no_answer_block"


def test_moodle_descriptions_import_and_round_trip():
    xml = """<quiz><question type="description"><name><text>Intro</text></name>
<questiontext format="html"><text>Read this first.</text></questiontext>
<generalfeedback format="html"><text>Why it matters.</text></generalfeedback>
<defaultgrade>1</defaultgrade></question></quiz>"""
    [item] = read_moodle_xml(xml, "d.xml", language="en").questions
    assert (item.type, item.points, item.general_feedback.en) == (QuestionType.DESCRIPTION, 0,
                                                                   "Why it matters.")
    exported = export_questions([item], "xml", "en").text
    assert '<question type="description">' in exported and "<defaultgrade>0<" in exported
    assert read_moodle_xml(exported, "again.xml", language="en").questions == (item,)


# --- multiple response with several 100 % answers ------------------------------------------------
MULTI_100 = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>channels</text></name>
    <questiontext format="html"><text>Which channels count?</text></questiontext>
    <single>false</single>
    <answer fraction="100"><text>Phone</text></answer>
    <answer fraction="100"><text>Email</text></answer>
    <answer fraction="-100"><text>Fax to the CEO</text></answer>
  </question>
</quiz>
"""


def test_multiple_response_with_several_full_answers_is_scaled_with_a_notice():
    result = import_questions(MULTI_100.encode(), "multi.xml", language="en")
    assert result.errors == ()
    [question] = result.questions
    assert [option.fraction for option in question.options] == [0.5, 0.5, -1.0]
    assert validate_definition(question) == []
    [warning] = result.warnings
    assert (warning.code, warning.line) == ("import.multi_scaled", 3)
    assert "200%" in warning.message("en") and "50%" in warning.message("en")
    assert "200%" in warning.message("zh")
    shown = preview(result, "en")
    assert shown["ok"] and shown["warnings"][0]["line"] == 3
    assert "scaled" in shown["warnings"][0]["message"]
    phone, email, _ = (question.option_id(i) for i in range(3))
    assert grade(question, [phone]).fraction == 0.5
    assert grade(question, [phone, email]).fraction == 1.0


def test_gift_multiple_response_with_several_full_answers_is_scaled_too():
    result = read_gift("::two::Which?{\n~%100%Phone\n~%100%Email\n~%-50%Fax\n}\n", "m.gift",
                       language="en")
    assert result.errors == ()
    assert [o.fraction for o in result.questions[0].options] == [0.5, 0.5, -0.5]
    assert [(w.code, w.line) for w in result.warnings] == [("import.multi_scaled", 1)]


def test_multiple_response_that_adds_up_to_100_imports_without_a_notice():
    exact = MULTI_100.replace('fraction="100"', 'fraction="50"')
    result = import_questions(exact.encode(), "exact.xml", language="en")
    assert result.errors == () and result.warnings == ()


# --- the authoring form ---------------------------------------------------------------------------
@pytest.mark.parametrize("builder", [cloze, calculated, description])
def test_the_authoring_form_reads_back_what_it_writes(builder):
    question = replace(builder(), curriculum=Curriculum.SERVICE_STANDARDS)
    data = question_to_data(question)
    values = editor_values(data)
    assert question_from_data(native_from_values(question.type, values)) == question


def test_the_description_form_has_no_points_and_a_case_offers_no_description():
    assert "points" not in {spec.name for spec in fields_for("description")}
    assert "points" in {spec.name for spec in fields_for("cloze")}
    from question_bank.editor import _known_type

    assert not _known_type("description") and _known_type("cloze")


def test_wildcard_values_typed_in_the_form_that_are_not_numbers_are_named():
    values = editor_values(question_to_data(calculated()))
    values["wildcards"][0]["values"] = "200, lots, 80"
    data = native_from_values("calculated", values)
    assert data["wildcards"][0]["values"] == [200, "lots", 80]
    from question_bank.issues import BankError

    with pytest.raises(BankError) as caught:
        question_from_data(data)
    assert {item.field for item in caught.value.issues} >= {"wildcards[0].values[1]"}


def test_normalised_cloze_and_calculated_responses_are_unchanged():
    assert normalise_response(cloze(), {"1": "x"}) == {"1": "x"}
    assert normalise_response(calculated(), {"item": "d1", "answer": "2"}) == {
        "item": "d1", "answer": "2"}


def test_every_label_of_every_form_reads_in_both_languages():
    from question_bank import QuestionType as Types
    from question_bank.editor import label

    def walk(specs):
        for spec in specs:
            yield spec
            yield from walk(spec.fields)

    for kind in Types:
        for spec in walk(fields_for(kind)):
            for language in ("zh", "en"):
                assert label(spec.label, language)
                if spec.help:
                    assert label(spec.help, language)
                for choice in spec.choices:
                    assert label(f"choice_{choice}", language)
        for language in ("zh", "en"):
            assert label(f"type_{kind.value}", language)


def test_duplicates_tell_cloze_and_calculated_questions_apart_by_their_answers():
    from question_bank import content_hash

    first = cloze()
    other_gap = replace(first.gaps[1], answers=(GapAnswer(1.0, value=12.0),))
    changed = replace(first, key="cz-2", gaps=(first.gaps[0], other_gap, first.gaps[2]))
    assert content_hash(first) == content_hash(replace(first, key="cz-3"))
    assert content_hash(first) != content_hash(changed)
    assert content_hash(calculated()) != content_hash(calculated(formula="{price} + {rate}"))
