"""evaluation: survey responses, activity events, pre/post pairs, monthly staff KPIs

Revision ID: 0600_evaluation
Revises: 0001_accounts
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0600_evaluation"
down_revision = "0001_accounts"
branch_labels = ("evaluation",)
depends_on = None


def upgrade():
    op.create_table('evaluation_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sender', sa.String(length=32), nullable=False),
    sa.Column('ref', sa.String(length=160), nullable=False),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_evaluation_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_events'))
    )
    with op.batch_alter_table('evaluation_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_events_sender'), ['sender'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_events_user_id'), ['user_id'], unique=False)

    op.create_table('evaluation_kpi_months',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('response_on_time_rate', sa.Double(), nullable=False),
    sa.Column('resolution_rate', sa.Double(), nullable=False),
    sa.Column('satisfaction', sa.Double(), nullable=False),
    sa.Column('complaint_rate', sa.Double(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_evaluation_kpi_months_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_kpi_months')),
    sa.UniqueConstraint('user_id', 'month', name=op.f('uq_evaluation_kpi_months_user_id'))
    )
    with op.batch_alter_table('evaluation_kpi_months', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_kpi_months_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_kpi_months_user_id'), ['user_id'], unique=False)

    op.create_table('evaluation_survey_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_ref', sa.String(length=120), nullable=False),
    sa.Column('trainer_id', sa.Integer(), nullable=True),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('free_text', sa.JSON(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['trainer_id'], ['users.id'], name=op.f('fk_evaluation_survey_responses_trainer_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_evaluation_survey_responses_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_survey_responses')),
    sa.UniqueConstraint('user_id', 'course_ref', name=op.f('uq_evaluation_survey_responses_user_id'))
    )
    with op.batch_alter_table('evaluation_survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_survey_responses_course_ref'), ['course_ref'], unique=False)

    op.create_table('evaluation_test_pairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('test', sa.String(length=120), nullable=False),
    sa.Column('category', sa.String(length=120), nullable=True),
    sa.Column('pre', sa.Double(), nullable=False),
    sa.Column('post', sa.Double(), nullable=False),
    sa.Column('max_score', sa.Double(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_evaluation_test_pairs_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_test_pairs')),
    sa.UniqueConstraint('user_id', 'test', name=op.f('uq_evaluation_test_pairs_user_id'))
    )
    with op.batch_alter_table('evaluation_test_pairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_test_pairs_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('evaluation_test_pairs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_test_pairs_user_id'))

    op.drop_table('evaluation_test_pairs')
    with op.batch_alter_table('evaluation_survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_survey_responses_course_ref'))

    op.drop_table('evaluation_survey_responses')
    with op.batch_alter_table('evaluation_kpi_months', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_kpi_months_user_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_kpi_months_month'))

    op.drop_table('evaluation_kpi_months')
    with op.batch_alter_table('evaluation_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_events_user_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_events_sender'))

    op.drop_table('evaluation_events')
