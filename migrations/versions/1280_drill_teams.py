"""drills: team drills with participants and roles; who gave each clock command and action

``drill_participants`` holds the trainees of a team drill with their role (a shift lead also
has a queue) and when each joined and was last heard from; ``drill_actions.role`` is the role
an action was taken in; ``drill_clock_events.user_id`` / ``by_trainer`` say who paused or
resumed (a pause the trainer made is resumed only by the trainer).

Revision ID: 1280_drill_teams
Revises: 1270_activity_result_course
"""
import sqlalchemy as sa
from alembic import op

revision = "1280_drill_teams"
down_revision = "1270_activity_result_course"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "drill_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drill_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("queue", sa.String(length=64), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("role IN ('duty_supervisor', 'shift_lead', 'technician_dispatcher', "
                           "'communications_officer')",
                           name=op.f("ck_drill_participants_known_role")),
        sa.ForeignKeyConstraint(["drill_id"], ["drills.id"],
                                name=op.f("fk_drill_participants_drill_id_drills"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_drill_participants_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_participants")),
        sa.UniqueConstraint("drill_id", "user_id", name=op.f("uq_drill_participants_drill_id")),
    )
    with op.batch_alter_table("drill_participants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drill_participants_drill_id"), ["drill_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_drill_participants_user_id"), ["user_id"],
                              unique=False)
    with op.batch_alter_table("drill_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=80), nullable=True))
    with op.batch_alter_table("drill_clock_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("by_trainer", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_foreign_key(batch_op.f("fk_drill_clock_events_user_id_users"), "users",
                                    ["user_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("drill_clock_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_drill_clock_events_user_id_users"),
                                 type_="foreignkey")
        batch_op.drop_column("by_trainer")
        batch_op.drop_column("user_id")
    with op.batch_alter_table("drill_actions", schema=None) as batch_op:
        batch_op.drop_column("role")
    with op.batch_alter_table("drill_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drill_participants_user_id"))
        batch_op.drop_index(batch_op.f("ix_drill_participants_drill_id"))
    op.drop_table("drill_participants")
