"""rostering: agents' contracts and skill groups, day-off requests, planners' shift templates

Revision ID: 1290_rostering_people
Revises: 1280_drill_teams
"""
import sqlalchemy as sa
from alembic import op

revision = "1290_rostering_people"
down_revision = "1280_drill_teams"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rostering_contracts",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("min_hours", sa.Integer(), nullable=False),
        sa.Column("max_hours", sa.Integer(), nullable=False),
        sa.Column("max_days", sa.Integer(), nullable=False),
        sa.Column("max_consecutive_days", sa.Integer(), nullable=False),
        sa.Column("min_rest_hours", sa.Integer(), nullable=False),
        sa.Column("groups_json", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_rostering_contracts_user_id_users")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_rostering_contracts_updated_by_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_rostering_contracts")),
    )
    op.create_table(
        "rostering_day_off_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_rostering_day_off_requests_user_id_users")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_rostering_day_off_requests_decided_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rostering_day_off_requests")),
        sa.UniqueConstraint("user_id", "day", name="uq_rostering_day_off_user_day"),
    )
    with op.batch_alter_table("rostering_day_off_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rostering_day_off_requests_user_id"), ["user_id"])
    op.create_table(
        "rostering_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("length_minutes", sa.Integer(), nullable=False),
        sa.Column("start_earliest", sa.Integer(), nullable=False),
        sa.Column("start_latest", sa.Integer(), nullable=False),
        sa.Column("start_step", sa.Integer(), nullable=False),
        sa.Column("breaks_json", sa.Text(), nullable=False),
        sa.Column("weekdays_json", sa.Text(), nullable=False),
        sa.Column("cost_per_hour", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_rostering_templates_owner_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rostering_templates")),
    )
    with op.batch_alter_table("rostering_templates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rostering_templates_owner_id"), ["owner_id"])


def downgrade():
    with op.batch_alter_table("rostering_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rostering_templates_owner_id"))
    op.drop_table("rostering_templates")
    with op.batch_alter_table("rostering_day_off_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rostering_day_off_requests_user_id"))
    op.drop_table("rostering_day_off_requests")
    op.drop_table("rostering_contracts")
