"""One callback survey: the customer's answers to the four callback questions of a case."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User, utcnow
from lms.extensions import db


class CallbackSurvey(db.Model):
    """The callback after a case: solved?, professional (1-5), satisfied (1-5), to improve.

    ``handler_id`` is the agent whose case it was (the KPI is theirs); ``recorded_by_id`` who
    called back and typed the answers. ``case_ref`` is the case number as the person typed it
    (data only, shown as typed).
    """

    __tablename__ = "callback_surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    handler_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                            index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                  ondelete="SET NULL"))
    case_ref: Mapped[str] = mapped_column(String(60))
    called_at: Mapped[datetime] = mapped_column(index=True)
    solved: Mapped[bool]
    professional: Mapped[int] = mapped_column(Integer)
    satisfied: Mapped[int] = mapped_column(Integer)
    improve: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    handler: Mapped[User] = relationship(foreign_keys=[handler_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
