"""drills: emergency drills, their clock events and actions

Revision ID: 0400_drills
Revises: 0001_accounts
Create Date: 2026-11-23 11:15:15.033080

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0400_drills'
down_revision = '0001_accounts'
branch_labels = ('drills',)
depends_on = None


def upgrade():
    op.create_table('drills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scenario_key', sa.String(length=64), nullable=False),
    sa.Column('scenario_yaml', sa.Text(), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('trainer_id', sa.Integer(), nullable=True),
    sa.Column('compression', sa.Float(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('debrief_json', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('scheduled', 'running', 'paused', 'finished')", name=op.f('ck_drills_known_status')),
    sa.ForeignKeyConstraint(['trainee_id'], ['users.id'], name=op.f('fk_drills_trainee_id_users')),
    sa.ForeignKeyConstraint(['trainer_id'], ['users.id'], name=op.f('fk_drills_trainer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drills'))
    )
    with op.batch_alter_table('drills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drills_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_drills_trainee_id'), ['trainee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_drills_trainer_id'), ['trainer_id'], unique=False)

    op.create_table('drill_clock_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('start', 'pause', 'resume', 'finish')", name=op.f('ck_drill_clock_events_known_kind')),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_drill_clock_events_drill_id_drills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_clock_events'))
    )
    with op.batch_alter_table('drill_clock_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drill_clock_events_drill_id'), ['drill_id'], unique=False)

    op.create_table('drill_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=48), nullable=False),
    sa.Column('params_json', sa.Text(), nullable=False),
    sa.Column('drill_seconds', sa.Float(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_drill_actions_drill_id_drills'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_drill_actions_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_actions'))
    )
    with op.batch_alter_table('drill_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drill_actions_drill_id'), ['drill_id'], unique=False)


def downgrade():
    op.drop_table('drill_actions')
    op.drop_table('drill_clock_events')
    op.drop_table('drills')
