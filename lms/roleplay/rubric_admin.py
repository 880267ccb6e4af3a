"""Changing a trainer-built rubric: who may, and when an edit or a deletion is refused.

Rules (chosen for issue 6 and shown to the trainer on the pages):
- Shipped rubrics are read-only for everybody; copy one to change it.
- A trainer-built rubric may be edited or deleted by the trainer who built it or by an
  administrator; anybody else gets 403.
- Editing is REFUSED once any score has been submitted on the rubric (directly chosen for a
  performance or as a card's rubric): changing criteria, levels or points under existing scores
  would silently change what those scores mean and break the rater-agreement figures. The
  message says how many scores there are and offers "copy into a new rubric" instead, which is
  the versioning path (the copy gets its own key). The key itself never changes on edit.
- Deleting is refused while the rubric is in use: chosen for any performance or used by any
  card (scored or not), so no performance loses the rubric it is scored on.
"""

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from lms.auth.models import User
from lms.extensions import db
from lms.roleplay.models import Card, Performance, Rubric, Score


class RubricChangeRefused(Exception):
    """An edit or deletion was refused; ``message`` is bilingual {zh, en}."""

    def __init__(self, message: dict):
        super().__init__(message["en"])
        self.message = message


@dataclass
class RubricUsage:
    """How much depends on a rubric: cards, performances and submitted scores."""

    cards: int
    performances: int
    scores: int

    @property
    def in_use(self) -> bool:
        """True when a card or a performance refers to the rubric."""
        return bool(self.cards or self.performances)


def may_change_rubric(rubric: Rubric, user: User) -> bool:
    """Only the builder of a non-shipped rubric, or an administrator, may change it."""
    if rubric.shipped:
        return False
    return user.has_role("admin") or (rubric.created_by_id is not None
                                      and rubric.created_by_id == user.id)


def rubric_usage(rubric: Rubric) -> RubricUsage:
    """Cards using the rubric, performances scored on it, and scores submitted on it."""
    cards = db.session.scalar(select(func.count(Card.id)).where(Card.rubric_id == rubric.id))
    on_rubric = or_(Performance.rubric_id == rubric.id,
                    (Performance.rubric_id.is_(None)) & (Card.rubric_id == rubric.id))
    performances = db.session.scalar(
        select(func.count(Performance.id)).join(Card, Performance.card_id == Card.id)
        .where(on_rubric))
    scores = db.session.scalar(
        select(func.count(Score.id)).join(Performance, Score.performance_id == Performance.id)
        .join(Card, Performance.card_id == Card.id).where(on_rubric))
    return RubricUsage(cards or 0, performances or 0, scores or 0)


def edit_refusal(rubric: Rubric) -> dict | None:
    """Why ``rubric`` cannot be edited any more (bilingual), or None if it can."""
    usage = rubric_usage(rubric)
    if not usage.scores:
        return None
    return {"zh": f"该评分表已有 {usage.scores} 份已提交的评分，修改会改变这些评分的含义，"
                  "因此不能再编辑。请“复制为新评分表”，在副本上修改。",
            "en": f"{usage.scores} submitted score(s) already use this rubric; changing it "
                  "would change what they mean, so it can no longer be edited. Copy it into a "
                  "new rubric and change the copy."}


def update_rubric(rubric: Rubric, data: dict) -> Rubric:
    """Replace name, description and criteria (data already checked by the builder)."""
    refusal = edit_refusal(rubric)
    if refusal:
        raise RubricChangeRefused(refusal)
    rubric.name, rubric.description = data["name"], data.get("description")
    rubric.criteria = data["criteria"]
    rubric.spec  # noqa: B018 - raises RubricError when the data is not a valid rubric
    return rubric


def delete_rubric(rubric: Rubric) -> None:
    """Delete an unused rubric; refused with a message while anything refers to it."""
    usage = rubric_usage(rubric)
    if usage.in_use:
        raise RubricChangeRefused({
            "zh": f"该评分表正在使用中（{usage.cards} 张演练卡片、{usage.performances} 次演练），"
                  "不能删除。",
            "en": f"This rubric is in use ({usage.cards} card(s), {usage.performances} "
                  "performance(s)), so it cannot be deleted."})
    db.session.delete(rubric)
