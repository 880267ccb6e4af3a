"""drills: an appointment time for a scheduled drill

Revision ID: 1300_drill_appointment
Revises: 1290_rostering_people
"""
import sqlalchemy as sa
from alembic import op

revision = "1300_drill_appointment"
down_revision = "1290_rostering_people"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("drills", schema=None) as batch_op:
        batch_op.add_column(sa.Column("starts_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("drills", schema=None) as batch_op:
        batch_op.drop_column("starts_at")
