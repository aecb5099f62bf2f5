"""Status history of complaints: who moved a complaint from which status to
which, when, and with what outcome (deleted with the complaint)."""
import sqlalchemy as sa
from alembic import op

from ckanext.oit.migration.oit.columns import complaint, optional, required

revision = "oit_0006_complaint_history"
down_revision = "oit_0005_channels"


def upgrade():
    op.create_table(
        "oit_complaint_status_change",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        complaint(),
        *optional("from_status"),
        required("to_status"),
        *optional("closure", "outcome", "forwarded_to", "changed_by"),
        required("changed_at", sa.DateTime),
    )


def downgrade():
    op.drop_table("oit_complaint_status_change")
