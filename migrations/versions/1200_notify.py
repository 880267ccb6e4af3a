"""notify: notifications, preferences, deliveries, calendar feed tokens

Revision ID: 1200_notify
Revises: 1140_user_time_zone
"""
import sqlalchemy as sa
from alembic import op

revision = "1200_notify"
down_revision = "1140_user_time_zone"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notify_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("link", sa.JSON(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_notify_notifications_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_notifications")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notify_notifications_dedupe_key")),
    )
    with op.batch_alter_table("notify_notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notify_notifications_user_id"), ["user_id"])
        batch_op.create_index(batch_op.f("ix_notify_notifications_created_at"), ["created_at"])

    op.create_table(
        "notify_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.CheckConstraint("channel IN ('in_app', 'email', 'digest', 'webhook')",
                           name=op.f("ck_notify_preferences_known_channel")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_notify_preferences_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", "kind", "channel", name=op.f("pk_notify_preferences")),
    )

    op.create_table(
        "notify_webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("provider IN ('wecom', 'dingtalk')",
                           name=op.f("ck_notify_webhooks_known_provider")),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"], ondelete="CASCADE",
                                name=op.f("fk_notify_webhooks_department_id_departments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_webhooks")),
        sa.UniqueConstraint("department_id", "provider",
                            name=op.f("uq_notify_webhooks_department_id")),
    )
    with op.batch_alter_table("notify_webhooks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notify_webhooks_department_id"), ["department_id"])

    op.create_table(
        "notify_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error_code", sa.String(length=32), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("channel IN ('in_app', 'email', 'digest', 'wecom', 'dingtalk')",
                           name=op.f("ck_notify_deliveries_known_channel")),
        sa.CheckConstraint("status IN ('queued', 'waiting', 'retrying', 'sent', 'failed')",
                           name=op.f("ck_notify_deliveries_known_status")),
        sa.ForeignKeyConstraint(["notification_id"], ["notify_notifications.id"],
                                ondelete="CASCADE",
                                name=op.f("fk_notify_deliveries_notification_id_"
                                          "notify_notifications")),
        sa.ForeignKeyConstraint(["webhook_id"], ["notify_webhooks.id"], ondelete="SET NULL",
                                name=op.f("fk_notify_deliveries_webhook_id_notify_webhooks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_deliveries")),
        sa.UniqueConstraint("notification_id", "channel",
                            name=op.f("uq_notify_deliveries_notification_id")),
    )
    with op.batch_alter_table("notify_deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notify_deliveries_notification_id"),
                              ["notification_id"])
        batch_op.create_index(batch_op.f("ix_notify_deliveries_status"), ["status"])
        batch_op.create_index(batch_op.f("ix_notify_deliveries_next_attempt_at"),
                              ["next_attempt_at"])

    op.create_table(
        "calendar_feeds",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_fetched_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_calendar_feeds_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )


def downgrade():
    op.drop_table("calendar_feeds")
    with op.batch_alter_table("notify_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notify_deliveries_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_notify_deliveries_status"))
        batch_op.drop_index(batch_op.f("ix_notify_deliveries_notification_id"))
    op.drop_table("notify_deliveries")
    with op.batch_alter_table("notify_webhooks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notify_webhooks_department_id"))
    op.drop_table("notify_webhooks")
    op.drop_table("notify_preferences")
    with op.batch_alter_table("notify_notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notify_notifications_created_at"))
        batch_op.drop_index(batch_op.f("ix_notify_notifications_user_id"))
    op.drop_table("notify_notifications")
