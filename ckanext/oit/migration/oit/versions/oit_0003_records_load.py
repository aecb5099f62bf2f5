"""The records' load state per resource.

Revision ID: oit_0003_records_load
Revises: oit_0002_change_requests
"""
import sqlalchemy as sa
from alembic import op

revision = "oit_0003_records_load"
down_revision = "oit_0002_change_requests"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "oit_records_load",
        sa.Column("resource_id", sa.Text, primary_key=True),
        sa.Column("package_id", sa.Text, index=True),
        sa.Column("table_name", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("row_count", sa.Integer),
        sa.Column("problem_count", sa.Integer),
        sa.Column("problems", sa.Text),
        sa.Column("encoding", sa.Text),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def downgrade():
    op.drop_table("oit_records_load")
