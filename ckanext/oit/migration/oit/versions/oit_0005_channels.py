"""Two-way channels: questions, feedback, complaints, their attachments and
the organisations' complaint officers.

Revision ID: oit_0005_channels
Revises: oit_0004_itas_and_reminders
"""
import sqlalchemy as sa
from alembic import op

revision = "oit_0005_channels"
down_revision = "oit_0004_itas_and_reminders"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "oit_question",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("owner_org", sa.Text, nullable=False, index=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("email", sa.Text),
        sa.Column("state", sa.Text, nullable=False, index=True),
        sa.Column("answer", sa.Text),
        sa.Column("answered_by", sa.Text),
        sa.Column("answered_at", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "oit_feedback",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("owner_org", sa.Text, nullable=False, index=True),
        sa.Column("package_id", sa.Text),
        sa.Column("topic", sa.Text),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("email", sa.Text),
        sa.Column("state", sa.Text, nullable=False, index=True),
        sa.Column("response", sa.Text),
        sa.Column("responded_by", sa.Text),
        sa.Column("responded_at", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "oit_complaint_officer",
        sa.Column("owner_org", sa.Text, primary_key=True),
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("added_by", sa.Text),
        sa.Column("added_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "oit_complaint",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("owner_org", sa.Text, nullable=False, index=True),
        sa.Column("tracking_hash", sa.Text, nullable=False, unique=True),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("incident_date", sa.Date),
        sa.Column("incident_place", sa.Text),
        sa.Column("anonymous", sa.Boolean, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("email", sa.Text),
        sa.Column("phone", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("closure", sa.Text),
        sa.Column("outcome", sa.Text),
        sa.Column("forwarded_to", sa.Text),
        sa.Column("officer_note", sa.Text),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("status_at", sa.DateTime, nullable=False),
        sa.Column("closed_at", sa.DateTime),
        sa.Column("updated_by", sa.Text),
        sa.Column("attachments_purged_at", sa.DateTime),
    )
    op.create_table(
        "oit_complaint_attachment",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("complaint_id", sa.Text, sa.ForeignKey("oit_complaint.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("mimetype", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade():
    op.drop_table("oit_complaint_attachment")
    op.drop_table("oit_complaint")
    op.drop_table("oit_complaint_officer")
    op.drop_table("oit_feedback")
    op.drop_table("oit_question")
