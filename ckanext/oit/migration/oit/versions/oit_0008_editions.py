"""Editions and the fiscal-year -> edition map kept in the database, and the
token that tells every process when they change."""
import sqlalchemy as sa
from alembic import op

from ckanext.oit.migration.oit.columns import key, optional, required

revision = "oit_0008_editions"
down_revision = "oit_0007_officer_designation"


def upgrade():
    op.create_table(
        "oit_edition",
        key("name"), required("document"),
        *optional("loaded_by"), *optional("loaded_at", type_=sa.DateTime),
    )
    op.create_table(
        "oit_fiscal_year_edition",
        key("fiscal_year", sa.Integer), required("edition"),
        *optional("set_by"), *optional("set_at", type_=sa.DateTime),
    )
    op.create_table("oit_edition_revision", key("id", sa.Integer), required("token"))


def downgrade():
    op.drop_table("oit_edition_revision")
    op.drop_table("oit_fiscal_year_edition")
    op.drop_table("oit_edition")
