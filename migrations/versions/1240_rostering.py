"""rostering: shift templates, contracts, shift plans, rosters

Revision ID: 1240_rostering
Revises: 1230_workforce
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "1240_rostering"
down_revision = "1230_workforce"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
