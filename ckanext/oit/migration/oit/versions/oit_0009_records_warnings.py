"""What a loaded table's file lacks (warnings), and the job that loads it, so
that a job lost with its worker is noticed and tried once more."""
import sqlalchemy as sa
from alembic import op

from ckanext.oit.migration.oit.columns import optional

revision = "oit_0009_records_warnings"
down_revision = "oit_0008_editions"


def upgrade():
    for column in (*optional("warnings", "job_id"), *optional("attempts", type_=sa.Integer)):
        op.add_column("oit_records_load", column)


def downgrade():
    for name in ("attempts", "job_id", "warnings"):
        op.drop_column("oit_records_load", name)
