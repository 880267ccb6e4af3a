"""auth: a time zone per user (None follows the site's)

Revision ID: 1140_user_time_zone
Revises: 1130_exam_overrides
"""
import sqlalchemy as sa
from alembic import op

revision = "1140_user_time_zone"
down_revision = "1130_exam_overrides"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
