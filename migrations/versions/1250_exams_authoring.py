"""exams: authoring (question states, categories, exam slots)

Revision ID: 1250_exams_authoring
Revises: 1240_rostering
"""
import sqlalchemy as sa
from alembic import op

revision = "1250_exams_authoring"
down_revision = "1240_rostering"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("exam_questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=8), nullable=False,
                                      server_default="active"))
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("tag_index", sa.Text(), nullable=False,
                                      server_default=""))
        batch_op.create_index(batch_op.f("ix_exam_questions_status"), ["status"], unique=False)
    with op.batch_alter_table("exam_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mark", sa.Double(), nullable=True))
    with op.batch_alter_table("exam_attempt_questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mark", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("flagged", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("exam_attempt_questions", schema=None) as batch_op:
        batch_op.drop_column("flagged")
        batch_op.drop_column("mark")
    with op.batch_alter_table("exam_items", schema=None) as batch_op:
        batch_op.drop_column("mark")
    with op.batch_alter_table("exam_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exam_questions_status"))
        batch_op.drop_column("tag_index")
        batch_op.drop_column("search_text")
        batch_op.drop_column("status")
