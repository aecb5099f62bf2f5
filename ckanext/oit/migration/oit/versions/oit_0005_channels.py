"""Two-way channels: questions, feedback, complaints, their attachments and
the organisations' complaint officers."""
import sqlalchemy as sa
from alembic import op

from ckanext.oit.migration.oit.columns import complaint, key, optional, organisation, required

revision = "oit_0005_channels"
down_revision = "oit_0004_itas_and_reminders"


def upgrade():
    op.create_table(
        "oit_question", key(), organisation(),
        required("question"),
        *optional("name", "email"),
        required("state", index=True),
        *optional("answer", "answered_by"), *optional("answered_at", type_=sa.DateTime),
        required("created_at", sa.DateTime),
    )
    op.create_table(
        "oit_feedback", key(), organisation(),
        *optional("package_id", "topic"),
        required("message"),
        *optional("name", "email"),
        required("state", index=True),
        *optional("response", "responded_by"), *optional("responded_at", type_=sa.DateTime),
        required("created_at", sa.DateTime),
    )
    op.create_table(
        "oit_complaint_officer", key("owner_org"), key("user_id"),
        *optional("added_by"),
        required("added_at", sa.DateTime),
    )
    op.create_table(
        "oit_complaint", key(), organisation(),
        sa.Column("tracking_hash", sa.Text, nullable=False, unique=True),
        required("category"), required("channel"), required("description"),
        *optional("incident_date", type_=sa.Date), *optional("incident_place"),
        required("anonymous", sa.Boolean),
        *optional("name", "email", "phone"),
        required("status"),
        *optional("closure", "outcome", "forwarded_to", "officer_note"),
        required("received_at", sa.DateTime), required("status_at", sa.DateTime),
        *optional("closed_at", type_=sa.DateTime), *optional("updated_by"),
        *optional("attachments_purged_at", type_=sa.DateTime),
    )
    op.create_table(
        "oit_complaint_attachment", key(), complaint(),
        required("filename"), required("mimetype"), required("size", sa.Integer),
        required("created_at", sa.DateTime),
    )


def downgrade():
    op.drop_table("oit_complaint_attachment")
    op.drop_table("oit_complaint")
    op.drop_table("oit_complaint_officer")
    op.drop_table("oit_feedback")
    op.drop_table("oit_question")
