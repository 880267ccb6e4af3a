"""audit log, site settings, personal-data requests

Revision ID: 1210_audit
Revises: 1200_notify
"""
import sqlalchemy as sa
from alembic import op

revision = "1210_audit"
down_revision = "1200_notify"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_kind", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("object_label", sa.JSON(), nullable=True),
        sa.Column("old", sa.JSON(), nullable=True),
        sa.Column("new", sa.JSON(), nullable=True),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_audit_events_actor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"])
        batch_op.create_index(batch_op.f("ix_audit_events_actor_id"), ["actor_id"])
        batch_op.create_index(batch_op.f("ix_audit_events_action"), ["action"])
        batch_op.create_index(batch_op.f("ix_audit_events_object_kind"), ["object_kind"])
        batch_op.create_index(batch_op.f("ix_audit_events_object_id"), ["object_id"])

    op.create_table(
        "site_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_site_settings_updated_by_id_users")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_site_settings")),
    )

    op.create_table(
        "privacy_erasure_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected', 'withdrawn')",
                           name=op.f("ck_privacy_erasure_requests_known_status")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_privacy_erasure_requests_user_id_users")),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_privacy_erasure_requests_requested_by_id_users")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_privacy_erasure_requests_decided_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_erasure_requests")),
    )
    with op.batch_alter_table("privacy_erasure_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_privacy_erasure_requests_user_id"), ["user_id"])
        batch_op.create_index(batch_op.f("ix_privacy_erasure_requests_status"), ["status"])


def downgrade():
    with op.batch_alter_table("privacy_erasure_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_erasure_requests_status"))
        batch_op.drop_index(batch_op.f("ix_privacy_erasure_requests_user_id"))
    op.drop_table("privacy_erasure_requests")
    op.drop_table("site_settings")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_object_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_object_kind"))
        batch_op.drop_index(batch_op.f("ix_audit_events_action"))
        batch_op.drop_index(batch_op.f("ix_audit_events_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))
    op.drop_table("audit_events")
