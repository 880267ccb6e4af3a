"""auth: department tree, team leads scoped to departments

Revision ID: 1260_departments
Revises: 1250_exams_authoring
"""
import sqlalchemy as sa
from alembic import op

revision = "1260_departments"
down_revision = "1250_exams_authoring"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_departments_parent_id_departments"),
                                    "departments", ["parent_id"], ["id"])
    op.create_table(
        "lead_departments",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"],
                                name=op.f("fk_lead_departments_department_id_departments"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_lead_departments_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "department_id", name=op.f("pk_lead_departments")),
    )
    with op.batch_alter_table("user_roles", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_roles_known_role"), type_="check")
        batch_op.create_check_constraint(
            "known_role", "role IN ('admin', 'trainer', 'planner', 'trainee', 'lead')")


def downgrade():
    op.execute("DELETE FROM user_roles WHERE role = 'lead'")
    with op.batch_alter_table("user_roles", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_roles_known_role"), type_="check")
        batch_op.create_check_constraint(
            "known_role", "role IN ('admin', 'trainer', 'planner', 'trainee')")
    op.drop_table("lead_departments")
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_departments_parent_id_departments"),
                                 type_="foreignkey")
        batch_op.drop_column("parent_id")
