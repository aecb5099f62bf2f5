"""The records' load state per resource."""
import sqlalchemy as sa
from alembic import op

from ckanext.oit.migration.oit.columns import key, optional, required

revision = "oit_0003_records_load"
down_revision = "oit_0002_change_requests"


def upgrade():
    op.create_table(
        "oit_records_load", key("resource_id"),
        sa.Column("package_id", sa.Text, index=True),
        *optional("table_name"),
        required("status"),
        *optional("row_count", "problem_count", type_=sa.Integer),
        *optional("problems", "encoding"),
        required("updated_at", sa.DateTime),
    )


def downgrade():
    op.drop_table("oit_records_load")
