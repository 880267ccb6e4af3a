"""Role-play business rules: shipped content, performances, blind scoring, revisions, agreement.

Rules:
- Blind scoring: a trainer sees other raters' scores of a performance only after submitting
  their own; an administrator who is not a trainer sees them all. A trainee sees only their own
  performances, and of those only the mean over submitted scores and the comments.
- Pass mark: a performance counts as passed when the first submitted score's fraction
  (Moodle's rule, see ``lms.roleplay.rubric``) is at least ``PASS_FRACTION`` = 0.6, the
  usual 60 % pass mark of the training centre, and no gate criterion of that score sits at
  its lowest level (passing the buck, arguing, unsafe advice fail whatever the total). The
  trainee's result page uses the mean fraction over raters and fails on a gate any rater
  marked. Criteria the card marks not applicable are neither shown nor scored. The
  ``activity_result`` signal (sender
  ``"roleplay"``, ref ``roleplay:<card key>``) is sent when that first score arrives, and
  again when a revision changes the deciding score of the trainee's latest performance of
  the card, so course completion follows the revised result.
- Changing a submitted score needs a reason; the old values go to ``ScoreRevision``.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from statistics import fmean

from flask import abort
from sqlalchemy import func, select

from lms.auth.models import User, utcnow
from lms.extensions import db
from lms.roleplay.content import load_cards, load_shipped_rubrics
from lms.roleplay.models import Card, Performance, Rubric, Score, ScoreRevision
from lms.roleplay.rubric import RubricScore, score_total
from lms.signals import activity_result

PASS_FRACTION = 0.6


def _rubric_dict(spec) -> dict:
    return {
        "key": spec.key, "name": spec.name, "description": spec.description,
        "criteria": [{"key": c.key, "description": c.description,
                      **({"gate": True} if c.gate else {}),
                      "levels": [{"points": level.points, "definition": level.definition}
                                 for level in c.levels]} for c in spec.criteria],
    }


def _same_shape(stored: list, shipped: list) -> bool:
    """True when two criteria lists have the same keys and level points (scores stay valid)."""
    def shape(criteria):
        return [(c["key"], sorted(level["points"] for level in c["levels"])) for c in criteria]
    return shape(stored) == shape(shipped)


def _card_content(card) -> dict:
    return {
        "title": card.title, "channel": card.channel, "difficulty": card.difficulty,
        "minutes": card.minutes,
        "persona": {"who": card.persona.who, "mood": card.persona.mood,
                    "wants": card.persona.wants},
        "situation": card.situation, "escalation": list(card.escalation),
        "good_response": list(card.good_response), "standards": list(card.standards),
        "not_applicable": list(card.not_applicable),
    }


def load_shipped_content() -> list[str]:
    """Add shipped rubrics and cards not yet in the database; returns the keys added.

    A shipped rubric already stored is refreshed (texts, gate flags) when its criterion keys
    and level points are unchanged, so submitted scores stay valid; otherwise it is kept as it
    is. Stored shipped cards are refreshed from the file (their rubric stays). Refreshed items
    are listed as ``refreshed:<key>``.
    """
    added = []
    rubrics = {r.key: r for r in db.session.scalars(select(Rubric))}
    for key, spec in load_shipped_rubrics().items():
        data = _rubric_dict(spec)
        if key not in rubrics:
            rubrics[key] = Rubric(key=key, name=data["name"], description=data["description"],
                                  criteria=data["criteria"], shipped=True)
            db.session.add(rubrics[key])
            added.append(f"rubric:{key}")
        elif (rubrics[key].shipped and rubrics[key].criteria != data["criteria"]
              and _same_shape(rubrics[key].criteria, data["criteria"])):
            rubrics[key].criteria = data["criteria"]
            added.append(f"refreshed:rubric:{key}")
    existing = {card.key: card for card in db.session.scalars(select(Card))}
    for key, card in load_cards().items():
        if key not in existing:
            db.session.add(Card(key=key, rubric=rubrics[card.rubric],
                                content=_card_content(card)))
            added.append(f"card:{key}")
        elif existing[key].content != _card_content(card):
            existing[key].content = _card_content(card)
            added.append(f"refreshed:card:{key}")
    db.session.commit()
    return added


def create_rubric(data: dict, author: User) -> Rubric:
    """Store a trainer-built rubric (already checked by the builder)."""
    rubric = Rubric(key=data["key"], name=data["name"], description=data.get("description"),
                    criteria=data["criteria"], shipped=False, created_by_id=author.id)
    rubric.spec  # noqa: B018 - raises RubricError when the data is not a valid rubric
    db.session.add(rubric)
    return rubric


def is_staff(user: User) -> bool:
    """Trainers and administrators see every performance."""
    return user.has_role("trainer", "admin")


def performance_for(user: User, performance_id: int) -> Performance:
    """The performance if ``user`` may see it: staff always, a trainee only their own."""
    performance = db.session.get(Performance, performance_id)
    if performance is None:
        abort(404)
    if not is_staff(user) and performance.trainee_id != user.id:
        abort(404)  # do not reveal that another trainee's performance exists
    return performance


def own_score(performance: Performance, user: User) -> Score | None:
    """The score ``user`` gave this performance, if any."""
    return next((s for s in performance.scores if s.rater_id == user.id), None)


def may_see_all_scores(performance: Performance, user: User) -> bool:
    """Blind rule: a trainer sees others' scores only after submitting their own."""
    if user.has_role("trainer"):
        return own_score(performance, user) is not None
    return user.has_role("admin")


def create_performance(card: Card, trainee: User, performed_on, author: User,
                       recording: tuple[str, str] | None = None,
                       rubric: Rubric | None = None) -> Performance:
    """Schedule or record a performance; ``recording`` is (stored file name, MIME type).

    ``rubric`` replaces the card's own rubric, e.g. one a trainer built; None keeps the card's.
    """
    performance = Performance(card=card, trainee=trainee, performed_on=performed_on,
                              created_by_id=author.id,
                              chosen_rubric=None if rubric is None or rubric.id == card.rubric_id
                              else rubric)
    if recording:
        performance.recording_file, performance.recording_type = recording
    db.session.add(performance)
    return performance


@dataclass
class ScoreInput:
    """What a rater submitted: points per criterion, comments, overall comment."""

    levels: dict
    comments: dict
    overall_comment: str


def not_applicable(performance: Performance) -> tuple[str, ...]:
    """Keys of the performance's rubric criteria that its card marks not applicable."""
    marked = set(performance.card.content.get("not_applicable", ()))
    return tuple(c.key for c in performance.rubric.spec.criteria if c.key in marked)


def scored_criteria(performance: Performance) -> tuple:
    """The rubric criteria a rater scores on this performance (not-applicable ones left out)."""
    return performance.rubric.spec.applicable(not_applicable(performance))


def performance_total(performance: Performance, levels: dict) -> RubricScore:
    """The total of ``levels`` on the performance's rubric, without its N/A criteria."""
    return score_total(performance.rubric.spec, levels, not_applicable(performance))


def is_pass(total: RubricScore) -> bool:
    """Passed: fraction at least PASS_FRACTION and no gate criterion failed."""
    return total.fraction >= PASS_FRACTION and not total.gates_failed


def read_score_form(performance: Performance, form) -> tuple[ScoreInput, dict[str, str]]:
    """Parse ``level_<key>`` and ``comment_<key>`` fields; errors keyed by criterion key.

    Only the criteria that apply to the performance's card are read.
    """
    levels, comments, errors = {}, {}, {}
    for criterion in scored_criteria(performance):
        raw = form.get(f"level_{criterion.key}", "").strip()
        comments[criterion.key] = form.get(f"comment_{criterion.key}", "").strip()[:2000]
        allowed = {level.points for level in criterion.levels}
        try:
            value = float(raw)
        except ValueError:
            errors[criterion.key] = "missing"
            continue
        if value not in allowed:
            errors[criterion.key] = "missing"
            continue
        levels[criterion.key] = int(value) if value.is_integer() else value
    return ScoreInput(levels, comments, form.get("overall_comment", "").strip()[:4000]), errors


def submit_score(performance: Performance, rater: User, entry: ScoreInput) -> Score:
    """Store a rater's first scoring; sends ``activity_result`` for the first score."""
    if own_score(performance, rater) is not None:
        raise ValueError("this rater has already scored the performance; revise it instead")
    total = performance_total(performance, entry.levels)
    score = Score(performance=performance, rater_id=rater.id, levels=entry.levels,
                  comments=entry.comments, overall_comment=entry.overall_comment,
                  fraction=total.fraction, submitted_at=utcnow())
    db.session.add(score)
    db.session.flush()  # the performance may be new: listeners need its trainee's id
    if performance.result_sent_at is None:
        performance.result_sent_at = utcnow()
        activity_result.send("roleplay", user_id=performance.trainee_id,
                             ref=f"roleplay:{performance.card.key}", score=total.fraction,
                             passed=is_pass(total), at=datetime.now(UTC))
    return score


def revise_score(score: Score, editor: User, entry: ScoreInput, reason: str) -> ScoreRevision:
    """Change a submitted score, keeping the old values with who and why.

    When the score is the one that decides the performance (its first submitted score, already
    announced) and the performance is the trainee's latest announced one of the card, the new
    fraction is announced again through ``activity_result`` (cause ``rescore:<revision id>``),
    so a course completion follows the revised result.
    """
    from lms.signals import caused_by

    reason = reason.strip()
    if not reason:
        raise ValueError("a reason is required to change a submitted score")
    total = performance_total(score.performance, entry.levels)
    revision = ScoreRevision(score=score, changed_by_id=editor.id, reason=reason[:2000],
                             old_levels=dict(score.levels), old_comments=dict(score.comments),
                             old_overall_comment=score.overall_comment,
                             old_fraction=score.fraction)
    db.session.add(revision)
    score.levels, score.comments = entry.levels, entry.comments
    score.overall_comment, score.fraction = entry.overall_comment, total.fraction
    score.updated_at = utcnow()
    db.session.flush()
    performance = score.performance
    deciding = min(performance.scores, key=lambda s: (s.submitted_at, s.id))
    newer = db.session.scalar(select(Performance.id).where(
        Performance.trainee_id == performance.trainee_id,
        Performance.card_id == performance.card_id, Performance.id != performance.id,
        Performance.result_sent_at > performance.result_sent_at).limit(1)) \
        if performance.result_sent_at is not None else None
    if performance.result_sent_at is not None and deciding.id == score.id and newer is None:
        with caused_by("rescore", revision.id, actor_id=editor.id):
            activity_result.send("roleplay", user_id=performance.trainee_id,
                                 ref=f"roleplay:{performance.card.key}", score=total.fraction,
                                 passed=is_pass(total), at=datetime.now(UTC))
    return revision


@dataclass
class TraineeResult:
    """What a trainee sees: mean fraction over raters and, per criterion, the comments."""

    n_scores: int
    mean_fraction: float | None
    passed: bool | None
    criteria: list[dict]
    overall_comments: list[str]
    #: Descriptions of the gate criteria some rater scored at their lowest level.
    gates_failed: list[dict] = ()
    #: Descriptions of the criteria the card marks not applicable.
    not_applicable: list[dict] = ()


def gates_failed(performance: Performance, score: Score) -> tuple[str, ...]:
    """Keys of the gate criteria this score puts at their lowest level."""
    return tuple(c.key for c in scored_criteria(performance)
                 if c.key in score.levels and c.fails_gate(score.levels[c.key]))


def trainee_result(performance: Performance) -> TraineeResult:
    """The mean over submitted scores and every criterion's comments (no rater names).

    Passed: mean fraction at least PASS_FRACTION and no rater failed a gate criterion.
    """
    scores = performance.scores
    spec = performance.rubric.spec
    skipped = not_applicable(performance)
    skipped_text = [c.description for c in spec.criteria if c.key in skipped]
    if not scores:
        return TraineeResult(0, None, None, [], [], [], skipped_text)
    mean = fmean(s.fraction for s in scores)
    failed = {key for s in scores for key in gates_failed(performance, s)}
    criteria = []
    for criterion in spec.applicable(skipped):
        points = [s.levels[criterion.key] for s in scores if criterion.key in s.levels]
        criteria.append({
            "description": criterion.description,
            "mean_points": fmean(points) if points else None,
            "max_points": criterion.max_points,
            "comments": [s.comments.get(criterion.key) for s in scores
                         if s.comments.get(criterion.key)],
            "gate": criterion.gate, "gate_failed": criterion.key in failed,
        })
    return TraineeResult(len(scores), mean, mean >= PASS_FRACTION and not failed, criteria,
                         [s.overall_comment for s in scores if s.overall_comment],
                         [c.description for c in spec.criteria if c.key in failed],
                         skipped_text)


def scorings_for(rubric: Rubric) -> dict:
    """{performance id: {rater name: levels}} of every submitted score on ``rubric``."""
    rows = db.session.execute(
        select(Score.performance_id, User.name, Score.levels)
        .join(Performance, Score.performance_id == Performance.id)
        .join(Card, Performance.card_id == Card.id)
        .join(User, Score.rater_id == User.id)
        .where(func.coalesce(Performance.rubric_id, Card.rubric_id) == rubric.id)
        .order_by(Score.performance_id, Score.id))
    scorings: dict = {}
    for performance_id, rater, levels in rows:
        scorings.setdefault(performance_id, {})[rater] = levels
    return scorings
