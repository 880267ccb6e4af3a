"""merge the feature branches into one head

Each feature grew its own migration branch from 0001_accounts while they were built in
parallel; this revision joins them so later migrations have a single parent and
``flask db upgrade`` works without naming ``heads``.

Revision ID: 0900_merge
Revises: 0101_courses_standing, 0200_exams, 0300_planning, 0400_drills, 0500_roleplay,
    0600_evaluation
"""

revision = "0900_merge"
down_revision = ("0101_courses_standing", "0200_exams", "0300_planning", "0400_drills",
                 "0500_roleplay", "0600_evaluation")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
