"""Property tests: formats round-trip random questions; parsers never crash on junk."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from question_bank import (
    Curriculum,
    QuestionType,
    dump_yaml,
    export_gift,
    export_moodle_xml,
    read_csv,
    read_gift,
    read_moodle_xml,
    read_yaml,
)
from question_bank.validation import all_keys
from tests.question_bank.strategies import NOT_GENERATED, bilingual_questions, questions

PROPERTY = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
GIFT_KINDS = [kind for kind in QuestionType if kind not in NOT_GENERATED]


def distinct_keys(batch):
    keys = [key for question in batch for key in all_keys(question)]
    return len(keys) == len(set(keys))


def one_language_batches(language, extras):
    return st.lists(questions((language,), GIFT_KINDS, extras=extras), min_size=1, max_size=3,
                    unique_by=lambda q: q.key)


@PROPERTY
@given(st.sampled_from(["zh", "en"]).flatmap(
    lambda lang: st.tuples(st.just(lang), one_language_batches(lang, extras=False))))
def test_gift_export_then_import_gives_the_original(case):
    language, batch = case
    exported = export_gift(batch, language)
    assert exported.skipped == ()
    result = read_gift(exported.text, language=language)
    assert result.errors == (), (exported.text, result.errors)
    assert list(result.questions) == batch


@PROPERTY
@given(st.sampled_from(["zh", "en"]).flatmap(
    lambda lang: st.tuples(st.just(lang), one_language_batches(lang, extras=True))))
def test_moodle_xml_export_then_import_gives_the_original(case):
    language, batch = case
    exported = export_moodle_xml(batch, language)
    result = read_moodle_xml(exported.text, language=language)
    assert result.errors == (), (exported.text, result.errors)
    assert list(result.questions) == batch


@PROPERTY
@given(st.lists(bilingual_questions(), min_size=1, max_size=3).filter(distinct_keys))
def test_native_yaml_dump_then_load_gives_the_original(batch):
    text = dump_yaml(batch, Curriculum.SERVICE_STANDARDS)
    result = read_yaml(text, shipped=False)
    assert result.errors == (), (text, result.errors)
    assert list(result.questions) == batch


JUNK = st.text(st.sampled_from("~=#{}:\\/%-> \n\tTF$CATEGORY[]abc紧急0123.<>&\"'"), max_size=200)


@PROPERTY
@given(st.one_of(st.text(max_size=300), JUNK))
def test_gift_parser_returns_questions_or_errors_never_an_exception(text):
    result = read_gift(text, "junk.gift", language="zh")
    assert not (result.questions and result.errors)
    assert all(error.file == "junk.gift" for error in result.errors)


@PROPERTY
@given(st.one_of(st.text(max_size=300), JUNK, st.binary(max_size=200)))
def test_xml_parser_returns_questions_or_errors_never_an_exception(data):
    result = read_moodle_xml(data, "junk.xml", language="en")
    assert not (result.questions and result.errors)


@PROPERTY
@given(st.one_of(st.text(max_size=300), JUNK))
def test_yaml_and_csv_parsers_return_questions_or_errors_never_an_exception(text):
    for result in (read_yaml(text, "junk.yaml"), read_csv(text, "junk.csv", language="en")):
        assert not (result.questions and result.errors)
