"""notify: notifications, preferences, deliveries, calendar feed tokens

Revision ID: 1200_notify
Revises: 1140_user_time_zone
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "1200_notify"
down_revision = "1140_user_time_zone"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
