"""ITAS explanations per item, and the reminders already sent.

Revision ID: oit_0004_itas_and_reminders
Revises: oit_0003_records_load
"""
import sqlalchemy as sa
from alembic import op

revision = "oit_0004_itas_and_reminders"
down_revision = "oit_0003_records_load"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "oit_itas_explanation",
        sa.Column("owner_org", sa.Text, primary_key=True),
        sa.Column("fiscal_year", sa.Integer, primary_key=True),
        sa.Column("item_key", sa.Text, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("updated_by", sa.Text),
        sa.Column("updated_at", sa.DateTime),
    )
    op.create_table(
        "oit_reminder_sent",
        sa.Column("owner_org", sa.Text, primary_key=True),
        sa.Column("item_key", sa.Text, primary_key=True),
        sa.Column("fiscal_year", sa.Integer, primary_key=True),
        sa.Column("period", sa.Text, primary_key=True),
        sa.Column("sent_on", sa.Date, nullable=False),
    )


def downgrade():
    op.drop_table("oit_reminder_sent")
    op.drop_table("oit_itas_explanation")
