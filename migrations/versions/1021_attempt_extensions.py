"""exams: extra time for attempts (audited extensions) and when a review revealed answers

Revision ID: 1021_attempt_extensions
Revises: 1010_drills
"""
import sqlalchemy as sa
from alembic import op

revision = "1021_attempt_extensions"
down_revision = "1010_drills"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "exam_attempt_extensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.Column("old_deadline", sa.DateTime(), nullable=False),
        sa.Column("new_deadline", sa.DateTime(), nullable=False),
        sa.Column("reopened", sa.Boolean(), nullable=False),
        sa.Column("whole_exam", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["attempt_id"], ["exam_attempts.id"],
                                name=op.f("fk_exam_attempt_extensions_attempt_id_exam_attempts")),
        sa.ForeignKeyConstraint(["granted_by_id"], ["users.id"],
                                name=op.f("fk_exam_attempt_extensions_granted_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_attempt_extensions")),
    )
    with op.batch_alter_table("exam_attempt_extensions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exam_attempt_extensions_attempt_id"),
                              ["attempt_id"], unique=False)
    with op.batch_alter_table("exam_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_revealed_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("exam_attempts", schema=None) as batch_op:
        batch_op.drop_column("review_revealed_at")
    with op.batch_alter_table("exam_attempt_extensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exam_attempt_extensions_attempt_id"))
    op.drop_table("exam_attempt_extensions")
