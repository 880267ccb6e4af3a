"""planning: queue-model fixes (callbacks, closed hours) and run options

Revision ID: 1220_planning
Revises: 1210_audit
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "1220_planning"
down_revision = "1210_audit"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
