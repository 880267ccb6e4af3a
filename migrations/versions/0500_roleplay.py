"""roleplay: rubrics, cards, performances, blind scores and their revisions

Revision ID: 0500_roleplay
Revises: 0001_accounts
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0500_roleplay"
down_revision = "0001_accounts"
branch_labels = ("roleplay",)
depends_on = None


def upgrade():
    op.create_table('roleplay_rubrics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.JSON(), nullable=False),
    sa.Column('description', sa.JSON(), nullable=True),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('shipped', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_roleplay_rubrics_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roleplay_rubrics')),
    sa.UniqueConstraint('key', name=op.f('uq_roleplay_rubrics_key'))
    )
    op.create_table('roleplay_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('rubric_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['rubric_id'], ['roleplay_rubrics.id'], name=op.f('fk_roleplay_cards_rubric_id_roleplay_rubrics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roleplay_cards')),
    sa.UniqueConstraint('key', name=op.f('uq_roleplay_cards_key'))
    )
    op.create_table('roleplay_performances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('trainee_id', sa.Integer(), nullable=False),
    sa.Column('rubric_id', sa.Integer(), nullable=True),
    sa.Column('performed_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('recording_file', sa.String(length=80), nullable=True),
    sa.Column('recording_type', sa.String(length=80), nullable=True),
    sa.Column('result_sent_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['roleplay_cards.id'], name=op.f('fk_roleplay_performances_card_id_roleplay_cards')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_roleplay_performances_created_by_id_users')),
    sa.ForeignKeyConstraint(['rubric_id'], ['roleplay_rubrics.id'], name=op.f('fk_roleplay_performances_rubric_id_roleplay_rubrics')),
    sa.ForeignKeyConstraint(['trainee_id'], ['users.id'], name=op.f('fk_roleplay_performances_trainee_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roleplay_performances'))
    )
    with op.batch_alter_table('roleplay_performances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roleplay_performances_trainee_id'), ['trainee_id'], unique=False)

    op.create_table('roleplay_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('performance_id', sa.Integer(), nullable=False),
    sa.Column('rater_id', sa.Integer(), nullable=False),
    sa.Column('levels', sa.JSON(), nullable=False),
    sa.Column('comments', sa.JSON(), nullable=False),
    sa.Column('overall_comment', sa.Text(), nullable=False),
    sa.Column('fraction', sa.Double(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['performance_id'], ['roleplay_performances.id'], name=op.f('fk_roleplay_scores_performance_id_roleplay_performances')),
    sa.ForeignKeyConstraint(['rater_id'], ['users.id'], name=op.f('fk_roleplay_scores_rater_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roleplay_scores')),
    sa.UniqueConstraint('performance_id', 'rater_id', name=op.f('uq_roleplay_scores_performance_id'))
    )
    with op.batch_alter_table('roleplay_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roleplay_scores_performance_id'), ['performance_id'], unique=False)

    op.create_table('roleplay_score_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('score_id', sa.Integer(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('old_levels', sa.JSON(), nullable=False),
    sa.Column('old_comments', sa.JSON(), nullable=False),
    sa.Column('old_overall_comment', sa.Text(), nullable=False),
    sa.Column('old_fraction', sa.Double(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_roleplay_score_revisions_changed_by_id_users')),
    sa.ForeignKeyConstraint(['score_id'], ['roleplay_scores.id'], name=op.f('fk_roleplay_score_revisions_score_id_roleplay_scores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roleplay_score_revisions'))
    )
    with op.batch_alter_table('roleplay_score_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roleplay_score_revisions_score_id'), ['score_id'], unique=False)


def downgrade():
    with op.batch_alter_table('roleplay_score_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roleplay_score_revisions_score_id'))

    op.drop_table('roleplay_score_revisions')
    with op.batch_alter_table('roleplay_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roleplay_scores_performance_id'))

    op.drop_table('roleplay_scores')
    with op.batch_alter_table('roleplay_performances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roleplay_performances_trainee_id'))

    op.drop_table('roleplay_performances')
    op.drop_table('roleplay_cards')
    op.drop_table('roleplay_rubrics')
