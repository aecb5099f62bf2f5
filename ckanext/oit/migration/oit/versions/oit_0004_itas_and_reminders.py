"""ITAS explanations per item, and the reminders already sent."""
import sqlalchemy as sa
from alembic import op

from ckanext.oit.migration.oit.columns import key, optional, required

revision = "oit_0004_itas_and_reminders"
down_revision = "oit_0003_records_load"


def upgrade():
    op.create_table(
        "oit_itas_explanation",
        key("owner_org"), key("fiscal_year", sa.Integer), key("item_key"),
        required("text"),
        *optional("updated_by"), *optional("updated_at", type_=sa.DateTime),
    )
    op.create_table(
        "oit_reminder_sent",
        key("owner_org"), key("item_key"), key("fiscal_year", sa.Integer), key("period"),
        required("sent_on", sa.Date),
    )


def downgrade():
    op.drop_table("oit_reminder_sent")
    op.drop_table("oit_itas_explanation")
