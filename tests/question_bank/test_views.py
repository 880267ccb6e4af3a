"""What reaches the browser: the public view leaks no answer; the review shows what it may."""

import json
import random
from dataclasses import replace

import pytest

from question_bank import (
    ReviewOptions,
    grade,
    kind_of,
    load_shipped_banks,
    public_view,
    review_view,
)
from tests.question_bank.builders import (
    case,
    essay,
    matching,
    multiple_choice,
    numerical,
    ordering,
    short_answer,
    single_choice,
    text,
    true_false,
)

FORBIDDEN_KEYS = {"fraction", "raw_fraction", "correct", "feedback_html", "right_answer_html",
                  "general_feedback_html", "right_choice", "grader_info", "score"}


def all_keys(value):
    if isinstance(value, dict):
        for key, child in value.items():
            yield key
            yield from all_keys(child)
    elif isinstance(value, list):
        for child in value:
            yield from all_keys(child)


def secret_texts(question):
    """Texts that only a review may show: feedback, accepted answers, rubric notes."""
    secrets = []
    for item in (question,) + question.subquestions:
        for text_ in (item.general_feedback, item.feedback_true, item.feedback_false,
                      item.grader_info):
            secrets += [text_.zh, text_.en] if text_ else []
        for option in item.options:
            secrets += [option.feedback.zh, option.feedback.en] if option.feedback else []
        for answer in item.answers:
            secrets += [answer.feedback.zh, answer.feedback.en] if answer.feedback else []
            secrets += list(getattr(answer, "accept", None).all_terms()
                            if hasattr(answer, "accept") else [])
    return [secret for secret in secrets if secret]


EVERY_TYPE = [single_choice(), multiple_choice(), true_false(), short_answer(), numerical(),
              matching(), ordering(), essay(), case()]


@pytest.mark.parametrize("question", EVERY_TYPE, ids=lambda q: q.type.value)
@pytest.mark.parametrize("language", ["zh", "en"])
def test_public_view_carries_no_credit_no_feedback_and_no_accepted_answers(question, language):
    view = public_view(question, language, random.Random(7))
    serialised = json.dumps(view, ensure_ascii=False)
    assert not FORBIDDEN_KEYS & set(all_keys(view))
    for secret in secret_texts(question):
        assert secret not in serialised


def test_public_view_of_every_shipped_question_is_json_without_answer_keys():
    for question in load_shipped_banks():
        view = public_view(question, "zh", random.Random(question.key))
        serialised = json.dumps(view, ensure_ascii=False)
        assert not FORBIDDEN_KEYS & set(all_keys(view)), question.key
        for secret in secret_texts(question):
            if secret not in question.text.zh and len(secret) > 3:
                assert secret not in serialised, (question.key, secret)


def test_option_ids_do_not_depend_on_which_option_is_right():
    right_first = single_choice(fractions=(1.0, 0.0, 0.0))
    right_last = single_choice(fractions=(0.0, 0.0, 1.0))
    assert [right_first.option_id(i) for i in range(3)] == \
        [right_last.option_id(i) for i in range(3)]


def test_shuffled_options_keep_stable_ids_and_follow_the_seed():
    question = multiple_choice()
    first = public_view(question, "en", random.Random(3))["options"]
    again = public_view(question, "en", random.Random(3))["options"]
    assert first == again
    orders = {tuple(o["id"] for o in public_view(question, "en", random.Random(seed))["options"])
              for seed in range(20)}
    assert len(orders) > 1
    assert {o["id"] for o in first} == {question.option_id(i) for i in range(4)}


def test_unshuffled_options_stay_in_author_order():
    question = replace(single_choice(), shuffle_options=False)
    view = public_view(question, "en", random.Random(1))
    assert [o["text_html"] for o in view["options"]] == ["Option 0", "Option 1", "Option 2"]


def test_ordering_is_never_shown_in_the_right_order():
    question = ordering(count=2)
    right = kind_of(question).item_ids(question)
    for seed in range(30):
        shown = [item["id"] for item in public_view(question, "en", random.Random(seed))["items"]]
        assert shown != right and sorted(shown) == sorted(right)


def test_matching_choices_list_answers_and_distractors_once_each():
    view = public_view(matching(), "en", random.Random(2))
    assert sorted(c["text_html"] for c in view["choices"]) == ["2 h", "24 h", "4 h", "8 h"]
    assert set(view["prompts"][0]) == {"id", "text_html"}


def test_question_html_is_sanitised():
    hostile = single_choice(text=text('Hi <script>alert(1)</script><a href="javascript:x" '
                                      'onclick="y">link</a> **bold**'))
    html = public_view(hostile, "en", random.Random(1))["text_html"]
    assert "<script" not in html and "alert(1)" not in html
    assert "javascript:" not in html and "onclick" not in html
    assert "<strong>bold</strong>" in html


def test_views_name_the_template_of_their_type():
    view = public_view(true_false(), "zh", random.Random(1))
    assert view["template"] == "exams/questions/true_false.html"
    assert [choice["label"] for choice in view["choices"]] == ["正确", "错误"]


def test_review_with_everything_shows_score_rightness_feedback_and_right_answer():
    question = single_choice()
    response = question.option_id(2)
    result = grade(question, response)
    view = review_view(question, response, result, "en", random.Random(5), ReviewOptions())
    assert view["score"] == 0.0 and view["correctness"] == "incorrect"
    assert view["general_feedback_html"] == "<p>Because.</p>"
    chosen = next(o for o in view["options"] if o["selected"])
    assert chosen["feedback_html"] == "<p>Feedback 2</p>" and chosen["correct"] is False
    assert "Option 0" in view["right_answer_html"]


def test_review_options_hide_what_is_switched_off():
    question = single_choice()
    response = question.option_id(0)
    show = ReviewOptions(score=True, correctness=False, feedback=False, right_answer=False)
    view = review_view(question, response, grade(question, response), "en", random.Random(5),
                       show)
    assert view["score"] == 1.0
    assert not {"correct", "correctness", "feedback_html", "general_feedback_html",
                "right_answer_html"} & set(all_keys(view))


def test_review_keeps_the_order_the_trainee_saw():
    question = multiple_choice()
    seen = public_view(question, "en", random.Random(11))["options"]
    response = [question.option_id(0)]
    review = review_view(question, response, grade(question, response), "en",
                         random.Random(11))
    assert [o["id"] for o in review["options"]] == [o["id"] for o in seen]


def test_case_review_holds_each_subquestion_review():
    question = case()
    response = {"ca-1-a": question.subquestions[0].option_id(0), "ca-1-c": "text"}
    result = grade(question, response, manual={"ca-1-c": 1.0})
    view = review_view(question, response, result, "zh", random.Random(1))
    assert [sub["key"] for sub in view["subquestions"]] == ["ca-1-a", "ca-1-b", "ca-1-c"]
    assert view["subquestions"][0]["score"] == 1.0
    assert view["subquestions"][1]["state"] == "unanswered"
    assert view["fraction"] == pytest.approx(0.75)


def test_essay_review_escapes_the_trainees_text():
    question = essay()
    response = "<b>bold</b> & more"
    view = review_view(question, response, grade(question, response), "en", random.Random(1))
    assert view["response_html"] == "&lt;b&gt;bold&lt;/b&gt; &amp; more"
    assert view["correctness"] is None
