"""The audit trail of the publishing workflow: an append-only, hash-chained table."""
from alembic import op
import sqlalchemy as sa

revision = "oit_0001_audit"
down_revision = None

TABLE = "oit_audit_event"
TRIGGER = "oit_audit_append_only"
FUNCTION = "oit_audit_refuse_change"

# CREATE OR REPLACE: CKAN's test reset drops every table but leaves functions,
# so the function may still be there when this runs again.
CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% of {TABLE} row % refused: the audit trail is append-only (บันทึกการตรวจสอบแก้ไขหรือลบไม่ได้)',
        TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""

CREATE_TRIGGER = f"""
CREATE TRIGGER {TRIGGER}
BEFORE UPDATE OR DELETE ON {TABLE}
FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()
"""


def upgrade():
    op.create_table(
        TABLE,
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("actor_id", sa.Text),
        sa.Column("actor_name", sa.Text),
        sa.Column("package_id", sa.Text),
        sa.Column("owner_org", sa.Text),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("from_state", sa.Text),
        sa.Column("to_state", sa.Text),
        sa.Column("comment", sa.Text),
        sa.Column("before", sa.Text),
        sa.Column("after", sa.Text),
        sa.Column("change_request_id", sa.Text),
        sa.Column("prev_hash", sa.Text, nullable=False),
        sa.Column("hash", sa.Text, nullable=False),
        sa.UniqueConstraint("hash", name="oit_audit_event_hash_key"),
    )
    op.create_index("idx_oit_audit_event_package_id", TABLE, ["package_id"])
    op.create_index("idx_oit_audit_event_owner_org", TABLE, ["owner_org"])
    op.execute(CREATE_FUNCTION)
    op.execute(CREATE_TRIGGER)


def downgrade():
    op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}")
    op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    op.drop_index("idx_oit_audit_event_owner_org", table_name=TABLE)
    op.drop_index("idx_oit_audit_event_package_id", table_name=TABLE)
    op.drop_table(TABLE)
