"""Change requests of published datasets."""
import sqlalchemy as sa
from alembic import op

from ckanext.oit.migration.oit.columns import key, optional, required

revision = "oit_0002_change_requests"
down_revision = "oit_0001_audit"


def upgrade():
    op.create_table(
        "oit_change_request", key(),
        required("package_id", index=True),
        sa.Column("owner_org", sa.Text, index=True),
        required("status", index=True),
        required("requested_by"),
        required("requested_at", sa.DateTime),
        required("updated_at", sa.DateTime),
        *optional("decided_by"), *optional("decided_at", type_=sa.DateTime), *optional("comment"),
        required("operations"),
    )
    # At most one open change request per dataset.
    op.create_index("oit_change_request_one_open", "oit_change_request", ["package_id"],
                    unique=True, postgresql_where=sa.text("status = 'open'"))


def downgrade():
    op.drop_table("oit_change_request")
