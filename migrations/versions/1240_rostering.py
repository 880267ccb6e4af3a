"""rostering: shift templates, contracts, shift plans, rosters

Revision ID: 1240_rostering
Revises: 1230_workforce
"""
import sqlalchemy as sa
from alembic import op

revision = "1240_rostering"
down_revision = "1230_workforce"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rostering_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("source_label", sa.String(length=400), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("zone", sa.String(length=40), nullable=False),
        sa.Column("requirement_json", sa.Text(), nullable=False),
        sa.Column("templates_json", sa.Text(), nullable=False),
        sa.Column("scenario_yaml", sa.Text(), nullable=False),
        sa.Column("time_limit", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("verify_job_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"],
                                name=op.f("fk_rostering_plans_owner_id_users")),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"], ondelete="SET NULL",
                                name=op.f("fk_rostering_plans_department_id_departments")),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], ondelete="SET NULL",
                                name=op.f("fk_rostering_plans_job_id_jobs")),
        sa.ForeignKeyConstraint(["verify_job_id"], ["jobs.id"], ondelete="SET NULL",
                                name=op.f("fk_rostering_plans_verify_job_id_jobs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rostering_plans")),
    )
    with op.batch_alter_table("rostering_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rostering_plans_owner_id"), ["owner_id"])

    op.create_table(
        "rostering_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("skill_group", sa.String(length=64), nullable=False),
        sa.Column("template", sa.String(length=32), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("paid_minutes", sa.Integer(), nullable=False),
        sa.Column("breaks_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["rostering_plans.id"], ondelete="CASCADE",
                                name=op.f("fk_rostering_shifts_plan_id_rostering_plans")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_rostering_shifts_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rostering_shifts")),
    )
    with op.batch_alter_table("rostering_shifts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rostering_shifts_plan_id"), ["plan_id"])
        batch_op.create_index(batch_op.f("ix_rostering_shifts_user_id"), ["user_id"])

    op.create_table(
        "rostering_feeds",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_rostering_feeds_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_rostering_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_rostering_feeds_token_hash")),
    )


def downgrade():
    op.drop_table("rostering_feeds")
    with op.batch_alter_table("rostering_shifts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rostering_shifts_user_id"))
        batch_op.drop_index(batch_op.f("ix_rostering_shifts_plan_id"))
    op.drop_table("rostering_shifts")
    with op.batch_alter_table("rostering_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rostering_plans_owner_id"))
    op.drop_table("rostering_plans")
