"""Course activities and the features they name: resolving, picking, titling, linking, checking.

A course activity names an exam, role-play card, drill scenario, survey or practical assessment
by its canonical reference ``<prefix>:<key>`` (``lms.activities``). Everything the courses
feature does with a reference goes through the registry here:

* `resolver` turns the registry into the `Resolver` the bundle reader takes, so a course file
  or zip naming nothing is refused at the ref's line (message codes ``ref.*`` of
  ``messages.yaml``);
* `picker_choices` is the course editor's select, grouped by kind, titles in the reader's
  language;
* `title_of` and `link_of` give course pages the feature's own title and where it is done;
* `stored_problems` lists the stored activities whose reference names nothing any more
  (``flask --app lms courses check``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms import activities
from lms.courses.bundle_model import ACTIVITY_REF_PREFIX, Bilingual
from lms.courses.bundle_parse import Resolver
from lms.courses.models import Activity, Course
from lms.extensions import db
from lms.i18n import localized

#: How each activity kind is named in messages (``{what}``), in both languages.
KIND_NAMES = {
    "exam": Bilingual(zh="考试", en="exam"),
    "roleplay": Bilingual(zh="情景演练卡片", en="role-play card"),
    "emergency_drill": Bilingual(zh="应急演练场景", en="emergency drill scenario"),
    "survey": Bilingual(zh="问卷", en="survey"),
    "practice": Bilingual(zh="实操考核", en="practical assessment"),
}

#: The picker's group headings, in kind order.
KIND_LABELS = {
    "exam": _l("Exam"),
    "roleplay": _l("Role-play drill"),
    "emergency_drill": _l("Emergency drill"),
    "survey": _l("Survey"),
    "practice": _l("Practical assessment"),
}

#: How many existing keys a "names nothing" message lists.
KNOWN_SHOWN = 8


def kind_for_prefix(prefix: str) -> str | None:
    """The course activity kind whose references carry ``prefix`` (``drill`` → drill kind)."""
    return next((kind for kind, known in ACTIVITY_REF_PREFIX.items() if known == prefix), None)


def _known(keys) -> str:
    keys = sorted(keys)
    shown = ", ".join(keys[:KNOWN_SHOWN])
    return (shown + ", …" if len(keys) > KNOWN_SHOWN else shown) or "—"


def refusal(reference: str, kind: str | None = None) -> tuple[str, dict] | None:
    """None when ``reference`` names something that exists, else ``(message code, params)``.

    ``kind`` is the course activity kind the reference is used as (its prefix must match).
    """
    problem = activities.problem(reference, kind)
    if problem is None:
        return None
    parsed = activities.parse(reference)
    prefix = parsed[0] if parsed else ""
    shown = repr(reference[:60])
    registered = activities.kinds()
    what = KIND_NAMES.get(kind or kind_for_prefix(prefix) or "", Bilingual("活动", "activity"))
    if problem == "malformed":
        prefix = ACTIVITY_REF_PREFIX.get(kind or "", prefix or "exam")
        return "activity.bad_ref", {"ref": shown, "kind": kind or "?", "prefix": prefix}
    if problem == "unknown_prefix":
        return "ref.unknown_prefix", {"ref": shown, "prefix": prefix,
                                      "known": _known(registered)}
    if problem == "wrong_kind":
        return "ref.wrong_kind", {"ref": shown, "what": what, "prefix": prefix}
    return "ref.not_found", {"ref": shown, "what": what,
                             "known": _known(registered[prefix].choices())}


def resolver() -> Resolver:
    """The bundle reader's resolver: every reference must name something in the registry."""
    return lambda reference, kind: refusal(reference, kind)


def message(reference: str, kind: str | None = None, language: str = "en") -> str | None:
    """Why ``reference`` cannot be used, in ``language``; None when it resolves."""
    from lms.courses.bundle_messages import message_text

    refused = refusal(reference, kind)
    return message_text(refused[0], language, refused[1]) if refused else None


@dataclass(frozen=True)
class Choice:
    """One thing a course can ask for: its reference, activity kind and title."""

    ref: str
    kind: str
    #: ``{"zh": ..., "en": ...}``
    title: dict


def choices() -> list[Choice]:
    """Everything a course can refer to now, by kind (in `KIND_LABELS` order), then title."""
    found = []
    for kind, prefix in ACTIVITY_REF_PREFIX.items():
        registered = activities.kinds().get(prefix)
        if registered is None or registered.activity_kind != kind:
            continue
        found += [Choice(f"{prefix}:{key}", kind, dict(title or {}))
                  for key, title in registered.choices().items()]
    order = list(KIND_LABELS)
    return sorted(found, key=lambda c: (order.index(c.kind), localized(c.title).lower(), c.ref))


def picker_choices(current: str | None = None) -> list[tuple[str, str, str]]:
    """``(ref, title, group label)`` for the editor's select, in the reader's language.

    A ``current`` reference that names nothing any more stays listed (marked), so the editor
    shows what is stored and the save names the problem.
    """
    rows = [(c.ref, localized(c.title) or c.ref, str(KIND_LABELS[c.kind])) for c in choices()]
    if current and current not in {ref for ref, _title, _group in rows}:
        rows.insert(0, (current, str(_l("%(ref)s (names nothing)", ref=current[:60])),
                        str(_l("Stored, not found"))))
    return rows


def choice_for(reference: str) -> Choice | None:
    """The registry's entry for ``reference``, or None when it names nothing."""
    parsed = activities.parse(reference)
    if parsed is None or activities.problem(reference) is not None:
        return None
    registered = activities.kinds()[parsed[0]]
    kind = kind_for_prefix(parsed[0]) or registered.activity_kind
    return Choice(reference, kind, dict(registered.choices().get(parsed[1]) or {}))


def title_of(activity: Activity) -> dict:
    """The activity's one title: the owning feature's title, else the one the course stores."""
    parsed = activities.parse(activity.ref)
    registered = activities.kinds().get(parsed[0]) if parsed else None
    if registered is not None and registered.has(parsed[1]):
        title = registered.choices().get(parsed[1])
        if title:
            return dict(title)
    return dict(activity.title or {})


def link_of(activity: Activity) -> str | None:
    """Where a person does the activity, or None when it names nothing or has no page."""
    if activities.problem(activity.ref) is not None:
        return None
    return activities.url_for_reference(activity.ref)


@dataclass(frozen=True)
class StoredProblem:
    """A stored course activity whose reference names nothing."""

    course: Course
    activity: Activity
    #: ``(message code, params)`` from `refusal`.
    refusal: tuple[str, dict]

    def text(self, language: str = "en") -> str:
        """``<course title> (<slug>), activity <n> "<title>": <why>`` in ``language``."""
        from lms.courses.bundle_messages import message_text

        why = message_text(self.refusal[0], language, self.refusal[1])
        word = "活动" if language == "zh" else "activity"
        return (f"{localized(self.course.title, language)} ({self.course.slug}), {word} "
                f"{self.activity.position + 1} “{localized(self.activity.title, language)}”: "
                f"{why}")


def stored_problems() -> list[StoredProblem]:
    """Every stored activity whose reference names nothing, by course slug and position."""
    rows = db.session.scalars(select(Activity).join(Course).order_by(Course.slug,
                                                                     Activity.position))
    found = []
    for activity in rows:
        refused = refusal(activity.ref, activity.kind)
        if refused is not None:
            found.append(StoredProblem(activity.course, activity, refused))
    return found
