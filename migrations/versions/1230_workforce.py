"""workforce: interval history, forecasts, special events

Revision ID: 1230_workforce
Revises: 1220_planning
"""
import sqlalchemy as sa
from alembic import op

revision = "1230_workforce"
down_revision = "1220_planning"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "workforce_histories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("report_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"],
                                name=op.f("fk_workforce_histories_owner_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workforce_histories")),
    )
    with op.batch_alter_table("workforce_histories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workforce_histories_owner_id"), ["owner_id"])

    op.create_table(
        "workforce_intervals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("history_id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("slot_minute", sa.Integer(), nullable=False),
        sa.Column("offered", sa.Float(), nullable=False),
        sa.Column("handled", sa.Float(), nullable=True),
        sa.Column("aht", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["history_id"], ["workforce_histories.id"], ondelete="CASCADE",
                                name=op.f("fk_workforce_intervals_history_id_workforce_histories")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workforce_intervals")),
        sa.UniqueConstraint("history_id", "queue", "day", "slot_minute",
                            name=op.f("uq_workforce_intervals_history_id")),
    )
    with op.batch_alter_table("workforce_intervals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workforce_intervals_history_id"), ["history_id"])

    op.create_table(
        "workforce_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("volume_factor", sa.Float(), nullable=False),
        sa.Column("aht_factor", sa.Float(), nullable=False),
        sa.Column("queues_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('sales', 'launch', 'recall', 'other')",
                           name=op.f("ck_workforce_events_known_kind")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"],
                                name=op.f("fk_workforce_events_owner_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workforce_events")),
    )
    with op.batch_alter_table("workforce_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workforce_events_owner_id"), ["owner_id"])

    op.create_table(
        "workforce_forecasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("history_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("horizon_days", sa.Integer(), nullable=False),
        sa.Column("holdout_days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("method IN ('holt_winters', 'stl_ets', 'auto')",
                           name=op.f("ck_workforce_forecasts_known_method")),
        sa.ForeignKeyConstraint(["history_id"], ["workforce_histories.id"], ondelete="CASCADE",
                                name=op.f("fk_workforce_forecasts_history_id_workforce_histories")),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"],
                                name=op.f("fk_workforce_forecasts_job_id_jobs")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"],
                                name=op.f("fk_workforce_forecasts_owner_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workforce_forecasts")),
    )
    with op.batch_alter_table("workforce_forecasts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workforce_forecasts_owner_id"), ["owner_id"])
        batch_op.create_index(batch_op.f("ix_workforce_forecasts_history_id"), ["history_id"])

    op.create_table(
        "workforce_actuals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forecast_id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("slot_minute", sa.Integer(), nullable=False),
        sa.Column("offered", sa.Float(), nullable=False),
        sa.Column("aht", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["forecast_id"], ["workforce_forecasts.id"], ondelete="CASCADE",
                                name=op.f("fk_workforce_actuals_forecast_id_workforce_forecasts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workforce_actuals")),
        sa.UniqueConstraint("forecast_id", "queue", "day", "slot_minute",
                            name=op.f("uq_workforce_actuals_forecast_id")),
    )
    with op.batch_alter_table("workforce_actuals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workforce_actuals_forecast_id"), ["forecast_id"])


def downgrade():
    op.drop_table("workforce_actuals")
    op.drop_table("workforce_forecasts")
    op.drop_table("workforce_events")
    op.drop_table("workforce_intervals")
    op.drop_table("workforce_histories")
