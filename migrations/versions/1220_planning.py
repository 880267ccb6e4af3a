"""planning: queue-model fixes (callbacks, closed hours) and run options

Adds run control to planner runs: a token the job uses to find its run, a cancel request
the job checks after every replication, and the job's latest progress note (stage, pass,
replications done and expected) for the progress bar's estimate of the time left.

Revision ID: 1220_planning
Revises: 1210_audit
"""
import sqlalchemy as sa
from alembic import op

revision = "1220_planning"
down_revision = "1210_audit"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("planning_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("control_token", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("cancel_requested", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("progress_note_json", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_planning_runs_control_token"), ["control_token"],
                              unique=True)


def downgrade():
    with op.batch_alter_table("planning_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_planning_runs_control_token"))
        batch_op.drop_column("progress_note_json")
        batch_op.drop_column("cancel_requested")
        batch_op.drop_column("control_token")
