"""Status history of complaints: who moved a complaint from which status to
which, when, and with what outcome (deleted with the complaint).

Revision ID: oit_0006_complaint_history
Revises: oit_0005_channels
"""
import sqlalchemy as sa
from alembic import op

revision = "oit_0006_complaint_history"
down_revision = "oit_0005_channels"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "oit_complaint_status_change",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("complaint_id", sa.Text, sa.ForeignKey("oit_complaint.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("from_status", sa.Text),
        sa.Column("to_status", sa.Text, nullable=False),
        sa.Column("closure", sa.Text),
        sa.Column("outcome", sa.Text),
        sa.Column("forwarded_to", sa.Text),
        sa.Column("changed_by", sa.Text),
        sa.Column("changed_at", sa.DateTime, nullable=False),
    )


def downgrade():
    op.drop_table("oit_complaint_status_change")
