"""Complaint officers are designated by a second person: a designation is a
proposal until someone other than the proposer and the designated person
confirms it. Existing designations stay in force only if a sysadmin made them
for someone else; the others become proposals waiting for confirmation.
"""
import sqlalchemy as sa
from alembic import op

revision = "oit_0007_officer_designation"
down_revision = "oit_0006_complaint_history"


def upgrade():
    op.add_column("oit_complaint_officer", sa.Column("confirmed_by", sa.Text))
    op.add_column("oit_complaint_officer", sa.Column("confirmed_at", sa.DateTime))
    op.execute(
        'UPDATE oit_complaint_officer AS o SET confirmed_by = o.added_by, confirmed_at = o.added_at '
        'FROM "user" AS u WHERE u.id = o.added_by AND u.sysadmin AND o.added_by <> o.user_id'
    )


def downgrade():
    # a proposal must not become a designation on the way down
    op.execute("DELETE FROM oit_complaint_officer WHERE confirmed_at IS NULL")
    op.drop_column("oit_complaint_officer", "confirmed_at")
    op.drop_column("oit_complaint_officer", "confirmed_by")
