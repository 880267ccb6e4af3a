"""completion follows the facts: result causes, completion cycles and audit, certificate chains

Revision ID: 1110_completion
Revises: 1100_courses_refs
"""
import sqlalchemy as sa
from alembic import op

revision = "1110_completion"
down_revision = "1100_courses_refs"
branch_labels = None
depends_on = None

CYCLE_TABLES = ("course_completions", "learning_path_completions")


def upgrade():
    with op.batch_alter_table("course_activity_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cause", sa.String(length=40), nullable=True))
    for table in CYCLE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("cycle_started_at", sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column("renewal_opens_at", sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column("valid_until", sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column("withdrawn_reason", sa.String(length=200),
                                          nullable=True))
    op.create_table(
        "course_completion_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=8), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("cause", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("ref", sa.String(length=120), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("certificates", sa.JSON(), nullable=False),
        sa.CheckConstraint("subject_kind IN ('course', 'path')",
                           name=op.f("ck_course_completion_events_known_subject")),
        sa.CheckConstraint(
            "change IN ('completed', 'withdrawn', 'completed_again', 'renewed')",
            name=op.f("ck_course_completion_events_known_change")),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"],
                                name=op.f("fk_course_completion_events_actor_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_course_completion_events_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_completion_events")),
    )
    with op.batch_alter_table("course_completion_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_completion_events_user_id"), ["user_id"],
                              unique=False)
    with op.batch_alter_table("exam_certificates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("revoked_reason", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("revoked_cause", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("superseded_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_exam_certificates_superseded_by_id_exam_certificates"),
            "exam_certificates", ["superseded_by_id"], ["id"], ondelete="SET NULL")
    # A certificate revoked before this revision: when is unknown, so its issue time stands in.
    op.execute("UPDATE exam_certificates SET revoked_at = issued_at, revoked_reason = 'manual' "
               "WHERE revoked")
    with op.batch_alter_table("exam_certificates", schema=None) as batch_op:
        batch_op.drop_column("revoked")


def downgrade():
    with op.batch_alter_table("exam_certificates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoked", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute("UPDATE exam_certificates SET revoked = (revoked_at IS NOT NULL)")
    with op.batch_alter_table("exam_certificates", schema=None) as batch_op:
        batch_op.alter_column("revoked", server_default=None)
        batch_op.drop_constraint(
            batch_op.f("fk_exam_certificates_superseded_by_id_exam_certificates"),
            type_="foreignkey")
        batch_op.drop_column("superseded_by_id")
        batch_op.drop_column("revoked_cause")
        batch_op.drop_column("revoked_reason")
        batch_op.drop_column("revoked_at")
    with op.batch_alter_table("course_completion_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_completion_events_user_id"))
    op.drop_table("course_completion_events")
    for table in CYCLE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in ("withdrawn_reason", "withdrawn_at", "valid_until",
                           "renewal_opens_at", "cycle_started_at"):
                batch_op.drop_column(column)
    with op.batch_alter_table("course_activity_results", schema=None) as batch_op:
        batch_op.drop_column("cause")
