"""drills: heartbeat of the live page, idempotency key of each action

``drills.last_seen_at`` is the last request of the trainee's live page (the drill clock
counts no time after it once it is older than the grace period); ``drill_actions.client_key``
is the page's key of an action, unique per drill, so a resent action is stored once.

Revision ID: 1010_drills
Revises: 1000_auth_sessions
"""
import sqlalchemy as sa
from alembic import op

revision = "1010_drills"
down_revision = "1000_auth_sessions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("drills", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("drill_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_drill_actions_drill_id"),
                                          ["drill_id", "client_key"])


def downgrade():
    with op.batch_alter_table("drill_actions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_drill_actions_drill_id"), type_="unique")
        batch_op.drop_column("client_key")
    with op.batch_alter_table("drills", schema=None) as batch_op:
        batch_op.drop_column("last_seen_at")
