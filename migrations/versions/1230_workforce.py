"""workforce: interval history, forecasts, special events

Revision ID: 1230_workforce
Revises: 1220_planning
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "1230_workforce"
down_revision = "1220_planning"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
