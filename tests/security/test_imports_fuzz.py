"""Fuzzing every text importer (issue 10, proof): random bytes, random text, truncated valid
files and other encodings never raise anything but the importer's own error, and a web import
of any of them never answers 500 nor stores part of a file.

Importers and their own error: ``question_bank.formats.import_questions`` (YAML, GIFT, Moodle
XML, CSV) returns an ``ImportResult`` and never raises; ``scenarios.validate`` raises
``ScenarioError``; ``read_course_zip`` raises ``BundleInvalid``; ``parse_rubrics`` raises
``RubricError``.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

import scenarios
from lms.courses.bundle import BundleInvalid, read_course_zip
from lms.roleplay.content import RUBRICS_PATH
from lms.roleplay.rubric import RubricError, parse_rubrics
from question_bank.formats import import_questions
from question_bank.issues import ImportResult
from tests.conftest import csrf_token
from tests.courses.helpers import make_zip, valid_course_files
from tests.question_bank.builders import fixture

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-be", "gb18030", "latin-1", "cp1252",
             "shift_jis", "big5")
SAMPLES = {
    "yaml": fixture("yaml/valid_bank.yaml").read_bytes(),
    "gift": fixture("gift/constructs.gift").read_bytes(),
    "xml": fixture("xml/moodle_sample.xml").read_bytes(),
    "csv": fixture("csv/choices.csv").read_bytes(),
}
NAMES = {"yaml": "bank.yaml", "gift": "bank.gift", "xml": "bank.xml", "csv": "bank.csv"}
SCENARIO = (scenarios.LIBRARY_DIR / "normal_weekday.yaml").read_text(encoding="utf-8")
RUBRICS = RUBRICS_PATH.read_text(encoding="utf-8")
#: Characters that make YAML, GIFT, XML and CSV parsers take unusual paths.
_SPECIAL = st.sampled_from(list("{}[]&*!|>'\"%@`#:,-?=~\\<>;\t\n\r\x00\x85\ufeff\ud800") +
                           ["&a", "*a", "<<:", "!!python/object", "&#0;", "]]>", "$CATEGORY:"])
fuzz_text = st.lists(st.one_of(st.text(max_size=20), _SPECIAL), max_size=30).map("".join)
#: Known to break the importers before issue 10: a RecursionError (500 on the web).
DEEP = "questions: " + "[" * 10_000 + "]" * 10_000 + "\n"


@st.composite
def mangled(draw, sample: bytes) -> bytes:
    """A valid file cut short, re-encoded, or with a run of random bytes written into it."""
    how = draw(st.sampled_from(["truncate", "encode", "splice", "bytes"]))
    if how == "truncate":
        return sample[:draw(st.integers(0, len(sample)))]
    if how == "encode":
        text = sample.decode("utf-8-sig", errors="replace")
        return text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    if how == "splice":
        at = draw(st.integers(0, len(sample)))
        return sample[:at] + draw(st.binary(max_size=40)) + sample[at:]
    return draw(st.binary(max_size=400))


def _assert_result(result) -> None:
    assert isinstance(result, ImportResult)
    assert not (result.questions and result.errors)  # never part of a file
    for found in result.errors:
        assert found.message("zh") and found.message("en")


def _uploads() -> st.SearchStrategy[tuple[str, bytes]]:
    """``(format, bytes)``: a mangled sample of the format, or fuzzed text."""
    return st.sampled_from(sorted(SAMPLES)).flatmap(lambda name: st.tuples(
        st.just(name), mangled(SAMPLES[name]) | fuzz_text.map(
            lambda text: text.encode("utf-8", errors="surrogatepass"))))


@FUZZ
@given(upload=_uploads())
@example(upload=("yaml", DEEP.encode()))
@example(upload=("yaml", b"<<:"))  # found by this test: a merge key without a mapping
def test_question_formats_never_raise(upload):
    raw = upload[1]
    for file_format in SAMPLES:  # every reader gets every input, whatever it was made from
        for language in ("zh", "en"):
            _assert_result(import_questions(raw, NAMES[file_format], language=language))


@FUZZ
@given(text=fuzz_text | st.builds(lambda cut: SCENARIO[:cut], st.integers(0, len(SCENARIO))))
@example(text=DEEP)
def test_scenario_text_raises_only_scenario_error(text):
    try:
        scenarios.validate(text)
    except scenarios.ScenarioError as error:
        assert error.messages("zh") and error.messages("en")


@FUZZ
@given(text=fuzz_text | st.builds(lambda cut: RUBRICS[:cut], st.integers(0, len(RUBRICS))))
@example(text=DEEP)
def test_rubric_text_raises_only_rubric_error(text):
    try:
        parse_rubrics(text)
    except RubricError as error:
        assert all(problem.message["zh"] and problem.message["en"]
                   for problem in error.problems)


@st.composite
def course_zips(draw) -> bytes:
    """A course zip with one file mangled, a truncated zip, or random bytes."""
    files = valid_course_files()
    name = draw(st.sampled_from(sorted(files)))
    files[name] = draw(mangled(files[name]))
    whole = make_zip(files)
    return draw(st.sampled_from([whole, whole[:draw(st.integers(0, len(whole)))],
                                 draw(st.binary(max_size=300))]))


DEEP_COURSE = make_zip({**valid_course_files(), "course.yaml": DEEP.encode()})


@FUZZ
@given(raw=course_zips())
@example(raw=DEEP_COURSE)
@example(raw=make_zip({**valid_course_files(), "course.yaml": b"c\x00"}))  # found by this test
def test_course_zip_raises_only_bundle_invalid(raw):
    try:
        read_course_zip(raw)
    except BundleInvalid as invalid:
        assert all(error.message("zh") and error.message("en") for error in invalid.errors)


# --- through the web: never 500, never part of a file -------------------------------------

def _question_rows(app) -> tuple[int, int, int]:
    from lms.exams.models import Question, QuestionCategory, QuestionVersion
    from lms.extensions import db

    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Question, QuestionVersion, QuestionCategory))


@pytest.fixture
def trainer(client, auth):
    auth.as_role("trainer")
    return client


@FUZZ
@given(upload=_uploads())
@example(upload=("yaml", DEEP.encode()))
def test_question_import_page_never_fails_nor_stores_part(app, trainer, upload):
    file_format, raw = upload
    before = _question_rows(app)
    token = csrf_token(trainer, "/exams/manage/import")
    response = trainer.post("/exams/manage/import", data={
        "csrf_token": token, "format": file_format, "language": "zh", "category": "imported",
        "file": (io.BytesIO(raw), NAMES[file_format])}, content_type="multipart/form-data")
    assert response.status_code in (200, 400), response.status_code
    assert _question_rows(app) == before  # the preview stores nothing
    page = response.get_data(as_text=True)
    if response.status_code == 200 and "/exams/manage/import/" in page:
        preview = page.split("/exams/manage/import/")[1].split('"')[0]
        confirm = trainer.post(f"/exams/manage/import/{preview}",
                               data={"csrf_token": csrf_token(trainer, "/exams/manage/import")})
        assert confirm.status_code == 302, confirm.status_code  # a clean preview imports


@FUZZ
@given(raw=course_zips())
@example(raw=DEEP_COURSE)
def test_course_import_page_never_fails_nor_stores_part(app, trainer, raw):
    from lms.courses.models import Course, Lesson
    from lms.extensions import db

    with app.app_context():
        before = (db.session.scalar(select(func.count(Course.id))),
                  db.session.scalar(select(func.count(Lesson.id))))
    response = trainer.post("/courses/manage/import", data={
        "csrf_token": csrf_token(trainer, "/courses/manage/import"),
        "file": (io.BytesIO(raw), "course.zip")}, content_type="multipart/form-data")
    assert response.status_code in (200, 400), response.status_code
    with app.app_context():
        after = (db.session.scalar(select(func.count(Course.id))),
                 db.session.scalar(select(func.count(Lesson.id))))
    assert after == before


_field = st.text(st.characters(codec="utf-8"), max_size=120)


@st.composite
def csv_questions(draw) -> bytes:
    """A CSV file of one choice question whose every field is random text."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["key", "text", "option_a", "option_b", "correct", "category", "tags",
                     "points"])
    writer.writerow([draw(_field | st.from_regex(r"[a-z0-9-]{70,90}", fullmatch=True)),
                     draw(_field), draw(_field), draw(_field), "A",
                     draw(_field | st.just("a/" * 110)), draw(_field),
                     draw(st.sampled_from(["", "1", "inf", "nan", "1e400", "-0", "2.5"]))])
    return buffer.getvalue().encode("utf-8")


@FUZZ
@given(raw=csv_questions())
@example(raw=b"key,text,option_a,option_b,correct\n" + b"k" * 81 + b",Q,a,b,A\n")
def test_a_clean_preview_always_confirms(app, trainer, raw):
    """What the preview calls clean, the confirm stores (no 500 on either database)."""
    from lms.exams.models import Question

    response = trainer.post("/exams/manage/import", data={
        "csrf_token": csrf_token(trainer, "/exams/manage/import"), "format": "csv",
        "language": "en", "category": "imported",
        "file": (io.BytesIO(raw), "q.csv")}, content_type="multipart/form-data")
    assert response.status_code in (200, 400)
    page = response.get_data(as_text=True)
    if "/exams/manage/import/" not in page:
        return
    before = _question_rows(app)[0]
    token = page.split("/exams/manage/import/")[1].split('"')[0]
    confirm = trainer.post(f"/exams/manage/import/{token}", follow_redirects=True,
                           data={"csrf_token": csrf_token(trainer, "/exams/manage/import")})
    assert confirm.status_code == 200
    assert _question_rows(app)[0] >= before and _question_rows(app)[0] >= 1
    from lms.extensions import db

    with app.app_context():
        for stored in db.session.scalars(select(Question)):  # every stored question shows
            assert trainer.get(f"/exams/manage/questions/{stored.id}").status_code == 200
