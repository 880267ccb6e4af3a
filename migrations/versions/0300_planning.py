"""planning: jobs, planner scenarios and runs

Revision ID: 0300_planning
Revises: 0001_accounts
Create Date: 2026-11-23 11:15:15.033080

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0300_planning'
down_revision = '0001_accounts'
branch_labels = ('planning',)
depends_on = None


def upgrade():
    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('params_json', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('result_json', sa.Text(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('runner', sa.String(length=16), nullable=False),
    sa.Column('worker', sa.String(length=200), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_jobs_known_status')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_jobs_owner_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_status'), ['status'], unique=False)

    op.create_table('planning_scenarios',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('yaml_text', sa.Text(), nullable=False),
    sa.Column('valid', sa.Boolean(), nullable=False),
    sa.Column('based_on_id', sa.Integer(), nullable=True),
    sa.Column('library_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['based_on_id'], ['planning_scenarios.id'], name=op.f('fk_planning_scenarios_based_on_id_planning_scenarios'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_planning_scenarios_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_planning_scenarios'))
    )
    with op.batch_alter_table('planning_scenarios', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planning_scenarios_owner_id'), ['owner_id'], unique=False)

    op.create_table('planning_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('scenario_ids_json', sa.Text(), nullable=False),
    sa.Column('label', sa.String(length=400), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('replications', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_planning_runs_job_id_jobs')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_planning_runs_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_planning_runs'))
    )
    with op.batch_alter_table('planning_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planning_runs_owner_id'), ['owner_id'], unique=False)


def downgrade():
    op.drop_table('planning_runs')
    op.drop_table('planning_scenarios')
    op.drop_table('jobs')
