"""Change requests of published datasets.

Revision ID: oit_0002_change_requests
Revises: oit_0001_audit
"""
import sqlalchemy as sa
from alembic import op

revision = "oit_0002_change_requests"
down_revision = "oit_0001_audit"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "oit_change_request",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("package_id", sa.Text, nullable=False, index=True),
        sa.Column("owner_org", sa.Text, index=True),
        sa.Column("status", sa.Text, nullable=False, index=True),
        sa.Column("requested_by", sa.Text, nullable=False),
        sa.Column("requested_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("decided_by", sa.Text),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("comment", sa.Text),
        sa.Column("operations", sa.Text, nullable=False),
    )
    # At most one open change request per dataset.
    op.create_index("oit_change_request_one_open", "oit_change_request", ["package_id"],
                    unique=True, postgresql_where=sa.text("status = 'open'"))


def downgrade():
    op.drop_table("oit_change_request")
