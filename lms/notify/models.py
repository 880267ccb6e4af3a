"""Notifications, the channels people chose, each delivery's outcome, department robots.

A `Notification` is one event told to one person (the in-app list). Its ``dedupe_key`` names
the person, the kind, the object and a date bucket, so an event raised twice (a sweep run
again, a double click) is stored once. A `Delivery` is that notification on one channel and
records how sending went. A `DepartmentWebhook` is a department's group robot (WeCom or
DingTalk) and the kinds it relays.
"""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import Department, User, utcnow
from lms.extensions import db

DELIVERY_CHANNELS = ("in_app", "email", "digest", "wecom", "dingtalk")
#: ``queued`` (a job will send it), ``waiting`` (for the daily digest), ``retrying`` (failed,
#: tried again at ``next_attempt_at``), ``sent``, ``failed`` (gave up; ``error`` says why).
DELIVERY_STATUSES = ("queued", "waiting", "retrying", "sent", "failed")
PROVIDERS = ("wecom", "dingtalk")


class Notification(db.Model):
    """One event told to one person."""

    __tablename__ = "notify_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: A key of `lms.notify.kinds.KINDS`.
    kind: Mapped[str] = mapped_column(String(32))
    #: Plain data the kind words the notice from (titles {zh, en}, ISO dates).
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Where the notice leads: ``{"endpoint": ..., "values": {...}}`` or ``{"ref": ...}``.
    link: Mapped[dict | None] = mapped_column(JSON)
    #: ``kind:user:object:bucket``; the same event is stored once.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: When the person opened or marked it read (None = unread).
    read_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    deliveries: Mapped[list["Delivery"]] = relationship(
        back_populates="notification", cascade="all, delete-orphan", order_by="Delivery.id")


class NotificationPreference(db.Model):
    """A person's choice for one kind on one channel; without a row the kind's default holds."""

    __tablename__ = "notify_preferences"
    __table_args__ = (
        CheckConstraint("channel IN ('in_app', 'email', 'digest', 'webhook')",
                        name="known_channel"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)


class DepartmentWebhook(db.Model):
    """A department's group robot: where to post, how to sign, which kinds to relay."""

    __tablename__ = "notify_webhooks"
    __table_args__ = (
        UniqueConstraint("department_id", "provider"),
        CheckConstraint("provider IN ('wecom', 'dingtalk')", name="known_provider"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), index=True)
    #: ``wecom`` (企业微信) or ``dingtalk`` (钉钉).
    provider: Mapped[str] = mapped_column(String(16))
    #: The robot's address as the group settings show it (carries its key or access token).
    url: Mapped[str] = mapped_column(String(500))
    #: DingTalk's signing secret (``SEC…``), None when the robot does not sign.
    secret: Mapped[str | None] = mapped_column(String(200))
    #: The language posts are written in (a group has no personal language).
    language: Mapped[str] = mapped_column(String(8), default="zh")
    #: The kinds relayed to the group.
    kinds: Mapped[list] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    department: Mapped[Department] = relationship()


class Delivery(db.Model):
    """One notification on one channel, and how sending it went."""

    __tablename__ = "notify_deliveries"
    __table_args__ = (
        UniqueConstraint("notification_id", "channel"),
        CheckConstraint("channel IN ('in_app', 'email', 'digest', 'wecom', 'dingtalk')",
                        name="known_channel"),
        CheckConstraint("status IN ('queued', 'waiting', 'retrying', 'sent', 'failed')",
                        name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notify_notifications.id", ondelete="CASCADE"), index=True)
    #: One of `DELIVERY_CHANNELS`.
    channel: Mapped[str] = mapped_column(String(16))
    #: The address written to: an e-mail address, or the department of a robot.
    recipient: Mapped[str] = mapped_column(String(254), default="")
    webhook_id: Mapped[int | None] = mapped_column(
        ForeignKey("notify_webhooks.id", ondelete="SET NULL"))
    #: One of `DELIVERY_STATUSES`.
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    #: Why the last attempt failed: a short code (``smtp_unset``, ``no_address``,
    #: ``transient``, ``refused``) and the server's or library's own words.
    error_code: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    notification: Mapped[Notification] = relationship(back_populates="deliveries")
    webhook: Mapped[DepartmentWebhook | None] = relationship()
