"""exams: authoring (question states, categories, exam slots)

Revision ID: 1250_exams_authoring
Revises: 1240_rostering
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "1250_exams_authoring"
down_revision = "1240_rostering"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
