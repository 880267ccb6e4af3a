"""callbacks: the customer's answers at the callback of a case

Revision ID: 1310_callback_surveys
Revises: 1300_drill_appointment
"""
import sqlalchemy as sa
from alembic import op

revision = "1310_callback_surveys"
down_revision = "1300_drill_appointment"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "callback_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handler_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("case_ref", sa.String(length=60), nullable=False),
        sa.Column("called_at", sa.DateTime(), nullable=False),
        sa.Column("solved", sa.Boolean(), nullable=False),
        sa.Column("professional", sa.Integer(), nullable=False),
        sa.Column("satisfied", sa.Integer(), nullable=False),
        sa.Column("improve", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["handler_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_callback_surveys_handler_id_users")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_callback_surveys_recorded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_surveys")),
    )
    with op.batch_alter_table("callback_surveys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_callback_surveys_handler_id"), ["handler_id"])
        batch_op.create_index(batch_op.f("ix_callback_surveys_called_at"), ["called_at"])


def downgrade():
    with op.batch_alter_table("callback_surveys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_callback_surveys_called_at"))
        batch_op.drop_index(batch_op.f("ix_callback_surveys_handler_id"))
    op.drop_table("callback_surveys")
