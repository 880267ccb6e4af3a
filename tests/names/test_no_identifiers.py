"""Chinese pages show names, never internal identifiers or stray English words.

The demo data is loaded and each demo person (admin, trainer, planner, lead, trainee) signs
in with Chinese as their language and follows every link from the home page and the
navigation. Each page's visible text (see ``tests/names/crawl.py``) must not contain:

* a key the code uses for a scenario, queue, agent group, course, exam, activity, question,
  role-play card or setting (collected from the database and the scenario library);
* any ``snake_case``, ``kebab-case`` or ``UPPER_SNAKE`` token outside a short allow-list;
* a lower-case English word (an untranslated label such as "during" or "minutes"), unless it
  is part of data a person typed (names, departments, e-mail, places, data-set and event
  names: every plain text column of the database) or a unit/format name on the list.

Two things are not leaks: a file format's column name followed by its gloss in Chinese
("employee_no（工号）": the import help names the columns a file must have), and time-zone
names (IANA names are English everywhere). Pages owned by features not yet converted are
listed in ``NOT_YET`` with the reason; each is a known leak, reported, not hidden.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import String, select

from lms.extensions import db
from tests.conftest import Auth
from tests.names.crawl import crawl

ROLES = ("admin", "trainer", "planner", "lead", "trainee")
SNAKE = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])")
KEBAB = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:-[a-z0-9]+)+(?![\w@/-])")
UPPER_SNAKE = re.compile(r"(?<![\w.@/-])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![\w@/-])")
WORD = re.compile(r"(?<![\w.@/:-])[A-Za-z][A-Za-z'’]+(?![\w@/-])")
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*[A-Za-z0-9]")
#: Things written with dashes or underscores on purpose (standards, file-type names).
ALLOWED_TOKENS = {"utf-8", "e-mail", "sp-800-63b", "x-axis", "erlang-c", "erlang-a",
                  "moodle-xml", "iso-8601", "zh-cn", "en-us"}
#: Lower-case words that are fine in a Chinese page: units and format names.
ALLOWED_WORDS = {"ms", "px", "kb", "mb", "gb", "min", "h", "s", "km", "pdf", "csv", "xlsx",
                 "yaml", "json", "gift", "xml", "svg", "png", "jpeg", "jpg", "ics", "vs",
                 "cv", "http", "https", "www", "erlang", "simpy"}
#: Pages whose leaks are known and owned elsewhere (path regex: what is left to do there).
NOT_YET = {
    r"^/admin/audit": "the audit log shows stored values as recorded (lms/audit)",
    r"^/admin/users/import": "column limits name the columns without a gloss (admin import)",
    r"^/exams/manage/questions|^/exams/manage/categories":
        "question bank pages show question keys, tags and category paths (question bank)",
    r"^/exams/manage(/new|/\d+(/edit)?)?$":
        "exam list and editor show exam:<slug> references and English tag names (exams)",
    r"^/drills/": "drill pages (lms/drills, templates/drills)",
    r"^/courses/manage": "course authoring shows slugs and references (courses)",
    r"^/workforce/history/upload|^/workforce/forecasts/\d+/intraday":
        "file column names without a gloss (workforce)",
}
#: A token followed by a parenthesised gloss with Chinese in it: a column name explained.
GLOSSED = re.compile(r"[A-Za-z][\w.-]*\s*[（(][^）)]*[\u4e00-\u9fff][^）)]*[）)]")
#: Column names whose values are identifiers the code uses for things.
KEY_COLUMNS = {"key", "slug", "ref", "scenario_key", "course_ref", "test", "sender",
               "pairing_key", "library_id", "category", "kind"}


def known_keys(app) -> set[str]:
    """Every identifier of a thing in the demo data, the scenario library and the settings."""
    from scenarios.library import library
    from scenarios.loader import parse_scenario

    keys: set[str] = set()
    scenarios = [entry.load() for entry in library()]
    with app.app_context():
        from lms.planning.models import PlanningScenario
        from lms.settings.registry import SETTINGS

        for text in db.session.scalars(select(PlanningScenario.yaml_text)):
            try:
                scenarios.append(parse_scenario(text))
            except Exception:  # noqa: BLE001 - an invalid draft has no keys to collect
                continue
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns
                       if c.name in KEY_COLUMNS and isinstance(c.type, String)]
            for column in columns:
                for value in db.session.scalars(select(column).distinct()):
                    if value:
                        keys.add(value)
                        keys.update(value.split(":")[1:])
        keys.update(SETTINGS)
        keys.update(name for name in app.config if "_" in name and name.isupper())
    for scenario in scenarios:
        keys.add(scenario.id)
        keys.update(scenario.queue_names)
        keys.update(scenario.group_names)
        keys.update(shape.name for shape in scenario.arrival_shapes)
    # A key that is also an ordinary word in Chinese text ("PDF", a one-letter code) is no clue.
    return {key for key in keys if len(key) >= 4 and not key.isdigit()}


#: Plain text columns that hold what a person typed (not keys, not bilingual JSON titles).
TYPED_COLUMNS = {"username", "name", "email", "location", "title", "label", "note",
                 "description", "room", "place"}


def user_words(app) -> set[str]:
    """Words of data people typed (names, departments, places, e-mail) and time-zone names:
    not the interface's words."""
    from lms.i18n import available_zones

    words: set[str] = set()
    values: list[str] = [zone.replace("_", " ") for zone in available_zones()]
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                if column.name in TYPED_COLUMNS and isinstance(column.type, String):
                    values += [v for v in db.session.scalars(select(column).distinct()) if v]
    for value in values:
        words.update(w.lower() for w in WORD.findall(value))
        words.update(w.lower() for w in TOKEN.findall(value))
    return words


def leaks(text: str, keys: set[str], typed: set[str]) -> list[str]:
    """The identifiers and stray English words in one page's visible text."""
    text = GLOSSED.sub(" ", text)
    found = []
    for token in TOKEN.findall(text):
        if token in keys and token.lower() not in typed:
            found.append(f"key {token!r}")
    for pattern, label in ((SNAKE, "snake"), (KEBAB, "kebab"), (UPPER_SNAKE, "setting")):
        for token in pattern.findall(text):
            if token.lower() not in ALLOWED_TOKENS and token.lower() not in typed \
                    and f"key {token!r}" not in found:
                found.append(f"{label} {token!r}")
    for word in WORD.findall(text):
        lower = word.lower()
        if word == lower and lower not in ALLOWED_WORDS and lower not in typed \
                and not any(word in entry for entry in found):
            found.append(f"english {word!r}")
    return found


@pytest.fixture
def demo(app):
    """The demo data, every demo person's language set to Chinese."""
    from lms.auth.models import User
    from lms.demo import load_demo

    with app.app_context():
        load_demo()
        for user in db.session.scalars(select(User)):
            user.locale = "zh"
        db.session.commit()
    return app


@pytest.mark.parametrize("role", ROLES)
def test_chinese_pages_show_names_not_identifiers(demo, role):
    app = demo
    client = app.test_client()
    response = Auth(client, app).login(role, app.config["DEMO_PASSWORD"])
    assert response.status_code == 302
    keys, typed = known_keys(app), user_words(app)
    report, pages = [], 0
    for path, parts in crawl(client, app):
        pages += 1
        if any(re.search(pattern, path) for pattern in NOT_YET):
            continue
        found: dict[str, str] = {}
        for part in parts:
            for item in leaks(part, keys, typed):
                found.setdefault(item, part[:70])
        if found:
            shown = [f"{item} in {context!r}" for item, context in sorted(found.items())[:8]]
            report.append(f"{path}:\n    " + "\n    ".join(shown))
    assert pages > 5, f"{role} reached only {pages} pages"
    assert not report, f"{role}: {len(report)} of {pages} pages leak\n" + "\n".join(report)
