"""The audit trail (issue 4): append-only, hash-chained events in PostgreSQL,
`ckan oit audit verify` and the CSV export, against the real database."""
from __future__ import annotations

import csv
import datetime
import io
import threading

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.tests import factories

from ckanext.oit import audit
from ckanext.oit.audit import AuditEvent, GENESIS_HASH
from ckan.cli.cli import ckan as ckan_command

from ckanext.oit.audit.cli import audit as audit_command
from ckanext.oit.thai_calendar import be_year

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture(autouse=True)
def _fresh_session(with_plugins, clean_db):
    # conftest's clean_db empties the trail; leave no transaction open after.
    yield
    model.Session.rollback()


def _record(n: int = 1, **fields) -> list[AuditEvent]:
    defaults = {
        "action": "update",
        "package_id": "pkg-1",
        "owner_org": "org-1",
        "actor_id": "user-1",
        "actor_name": "staff",
    }
    made = [audit.record(**{**defaults, "comment": f"event {i + 1}", **fields}) for i in range(n)]
    model.Session.commit()
    return made


def _as_table_owner(sql: str, **params) -> None:
    """Change rows behind the application's back, with the trigger switched off,
    as someone holding the table owner's password could."""
    model.Session.remove()  # no open transaction may hold a lock on the table
    with model.meta.engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE oit_audit_event DISABLE TRIGGER oit_audit_append_only"))
        conn.execute(sa.text(sql), params)
        conn.execute(sa.text("ALTER TABLE oit_audit_event ENABLE TRIGGER oit_audit_append_only"))


# --- record, events, event_dict -------------------------------------------------


def test_an_event_reads_back_with_thai_text_and_its_before_and_after():
    before = {"title": "รายงานผลการจัดซื้อจัดจ้าง", "oit_status": "draft", "amount": 1500.5}
    after = {"title": "รายงานผลการจัดซื้อจัดจ้าง ประจำเดือนตุลาคม", "oit_status": "pending", "amount": 1500.5}
    made = audit.record(
        action="submit", package_id="pkg-th", owner_org="org-th", actor_id="u-1",
        actor_name="เจ้าหน้าที่พัสดุ", from_state="draft", to_state="pending",
        comment="ขออนุมัติเผยแพร่ ข้อมูล สขร.1", before=before, after=after,
        change_request_id="cr-1",
    )
    assert made.id == 1  # flushed: the id is known before the caller commits
    model.Session.commit()
    model.Session.remove()

    (event,) = audit.events(package_id="pkg-th")
    d = audit.event_dict(event)
    assert d["id"] == 1
    assert d["actor_name"] == "เจ้าหน้าที่พัสดุ"
    assert d["comment"] == "ขออนุมัติเผยแพร่ ข้อมูล สขร.1"
    assert d["before"] == before and d["after"] == after
    assert (d["action"], d["from_state"], d["to_state"]) == ("submit", "draft", "pending")
    assert (d["package_id"], d["owner_org"], d["change_request_id"]) == ("pkg-th", "org-th", "cr-1")
    assert d["prev_hash"] == GENESIS_HASH and len(d["hash"]) == 64
    created = datetime.datetime.fromisoformat(d["created"])
    assert created.tzinfo is None
    assert abs(datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - created) < datetime.timedelta(minutes=1)
    # Stored as canonical JSON: sorted keys, Thai kept as it is, no spaces.
    assert event.after.startswith('{"amount":1500.5,"oit_status":"pending","title":"รายงาน')


def test_values_json_cannot_hold_are_stored_as_text():
    event = audit.record(
        action="update", package_id="p", owner_org="o", actor_id=None, actor_name=None,
        after={"when": datetime.date(2025, 10, 1)},
    )
    model.Session.commit()
    assert audit.event_dict(event)["after"] == {"when": "2025-10-01"}
    assert audit.event_dict(event)["before"] is None


def test_events_filter_by_dataset_and_organisation_and_page():
    _record(3, package_id="a", owner_org="org-1")
    _record(2, package_id="b", owner_org="org-2")
    _record(1, package_id="c", owner_org="org-1")

    assert [e.id for e in audit.events()] == [1, 2, 3, 4, 5, 6]
    assert [e.id for e in audit.events(package_id="a")] == [1, 2, 3]
    assert [e.id for e in audit.events(owner_org="org-1")] == [1, 2, 3, 6]
    assert [e.id for e in audit.events(owner_org="org-1", package_id="c")] == [6]
    assert [e.id for e in audit.events(owner_org="org-1", newest_first=True, limit=2)] == [6, 3]
    assert [e.id for e in audit.events(limit=2, offset=3)] == [4, 5]


def test_an_event_is_only_kept_with_the_change_it_describes():
    audit.record(action="update", package_id="p", owner_org="o", actor_id="u", actor_name="u")
    model.Session.rollback()
    assert audit.events() == []
    # The rolled-back event took id 1; the chain still starts cleanly.
    (event,) = _record()
    assert event.id == 2 and event.prev_hash == GENESIS_HASH
    assert audit.verify().ok


def test_events_of_one_transaction_chain_in_order():
    first = audit.record(action="submit", package_id="p", owner_org="o", actor_id="u", actor_name="u")
    second = audit.record(action="approve", package_id="p", owner_org="o", actor_id="d", actor_name="d")
    model.Session.commit()
    assert second.prev_hash == first.hash


# --- the chain ----------------------------------------------------------------------


def test_each_event_links_to_the_one_before():
    made = _record(4)
    assert made[0].prev_hash == GENESIS_HASH
    for earlier, later in zip(made, made[1:]):
        assert later.prev_hash == earlier.hash
    assert len({e.hash for e in made}) == 4


def test_verify_passes_an_intact_chain():
    assert audit.verify() == audit.VerifyResult(True, 0, None, "no events", None)
    made = _record(5)
    result = audit.verify()
    assert result.ok and result.checked == 5 and result.first_bad_id is None
    assert result.last_hash == made[-1].hash


@pytest.mark.unaudited("it breaks the chain on purpose")
@pytest.mark.parametrize(
    "column, value",
    [("comment", "แก้ไขภายหลัง"), ("actor_name", "director"), ("after", '{"oit_status":"published"}'),
     ("created", datetime.datetime(2020, 1, 1)), ("hash", "f" * 64)],
)
def test_verify_names_an_event_changed_in_place(column, value):
    _record(3)
    _as_table_owner(f"UPDATE oit_audit_event SET {column} = :value WHERE id = 2", value=value)
    result = audit.verify()
    assert not result.ok
    assert result.first_bad_id == 2
    assert "content changed" in result.reason
    assert result.checked == 2


@pytest.mark.unaudited("it breaks the chain on purpose")
def test_verify_catches_an_event_rewritten_with_a_fresh_hash():
    made = _record(3)
    forged = audit.event_dict(made[1])
    forged_values = {k: v for k, v in forged.items() if k not in ("id", "hash")}
    forged_values.update(created=made[1].created, comment="ไม่มีอะไรเกิดขึ้น",
                         before=made[1].before, after=made[1].after)
    new_hash = audit._hash(forged_values)
    _as_table_owner("UPDATE oit_audit_event SET comment = :c, hash = :h WHERE id = 2",
                    c="ไม่มีอะไรเกิดขึ้น", h=new_hash)
    result = audit.verify()
    assert not result.ok and result.first_bad_id == 3
    assert "link broken" in result.reason and "event 2" in result.reason


@pytest.mark.unaudited("it breaks the chain on purpose")
def test_verify_catches_a_deleted_middle_event_at_the_next_one():
    _record(4)
    _as_table_owner("DELETE FROM oit_audit_event WHERE id = 2")
    result = audit.verify()
    assert not result.ok
    assert result.first_bad_id == 3
    assert "missing before id 3" in result.reason


@pytest.mark.unaudited("it breaks the chain on purpose")
def test_verify_catches_a_deleted_first_event():
    _record(2)
    _as_table_owner("DELETE FROM oit_audit_event WHERE id = 1")
    result = audit.verify()
    assert (result.ok, result.first_bad_id) == (False, 2)
    assert "missing before id 2" in result.reason


@pytest.mark.unaudited("it breaks the chain on purpose")
def test_verify_walks_past_one_batch(monkeypatch):
    monkeypatch.setattr(audit, "_VERIFY_BATCH", 3)
    _record(7)
    assert audit.verify().checked == 7
    _as_table_owner("DELETE FROM oit_audit_event WHERE id = 6")
    assert audit.verify().first_bad_id == 7


# --- append-only ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    ["UPDATE oit_audit_event SET comment = 'x' WHERE id = 1", "DELETE FROM oit_audit_event WHERE id = 1"],
)
def test_the_table_refuses_update_and_delete(sql):
    (event,) = _record()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        model.Session.execute(sa.text(sql))
    model.Session.rollback()
    (kept,) = audit.events()
    assert kept.comment == "event 1" and kept.hash == event.hash
    assert audit.verify().ok


def test_the_orm_cannot_change_an_event_either():
    (event,) = _record()
    event.comment = "changed"
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        model.Session.commit()
    model.Session.rollback()


def test_migration_downgrades_and_upgrades(migrate_db_for):
    _record()
    model.Session.remove()
    migrate_db_for("oit", "base", forward=False)
    inspector = sa.inspect(model.meta.engine)
    assert not inspector.has_table("oit_audit_event")
    with model.meta.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM pg_proc WHERE proname = 'oit_audit_refuse_change'")).scalar() == 0
    migrate_db_for("oit")
    with model.meta.engine.connect() as conn:
        triggers = conn.execute(sa.text(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'oit_audit_event'::regclass AND NOT tgisinternal"
        )).scalars().all()
    assert triggers == ["oit_audit_append_only"]
    assert audit.events() == []


# --- concurrent writers ---------------------------------------------------------------


def test_a_second_writer_waits_for_the_first_to_commit():
    first = audit.record(action="submit", package_id="p1", owner_org="o", actor_id="a", actor_name="a")
    done = threading.Event()
    seen: dict[str, object] = {}

    def other_writer() -> None:
        try:
            event = audit.record(action="submit", package_id="p2", owner_org="o", actor_id="b", actor_name="b")
            seen["prev_hash"] = event.prev_hash
            model.Session.commit()
        except Exception as error:  # reported by the assertions below
            seen["error"] = error
        finally:
            model.Session.remove()
            done.set()

    thread = threading.Thread(target=other_writer)
    thread.start()
    try:
        assert not done.wait(0.5), "the second writer did not wait for the lock"
        model.Session.commit()
        assert done.wait(10)
    finally:
        thread.join(10)
    assert "error" not in seen, seen.get("error")
    assert seen["prev_hash"] == first.hash
    assert audit.verify().checked == 2


# --- ckan oit audit verify ---------------------------------------------------------------


def test_verify_command_reports_an_intact_chain(cli):
    _record(3)
    result = cli.invoke(ckan_command, ["oit", "audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "OK: 3 events, chain intact" in result.output


@pytest.mark.unaudited("it breaks the chain on purpose")
def test_verify_command_fails_on_a_broken_chain(cli):
    _record(3)
    _as_table_owner("UPDATE oit_audit_event SET actor_name = 'someone else' WHERE id = 2")
    result = cli.invoke(ckan_command, ["oit", "audit", "verify"])
    assert result.exit_code == 1
    assert result.output.startswith("BROKEN at event 2: content changed")


# --- CSV -------------------------------------------------------------------------------------


def _event(**fields) -> AuditEvent:
    values = {
        "id": 1, "created": datetime.datetime(2026, 11, 25, 7, 3, 30), "actor_id": "u-1",
        "actor_name": "ผอ.สมชาย", "package_id": "pkg-1", "owner_org": "org-1", "action": "approve",
        "from_state": "pending", "to_state": "published", "comment": "อนุมัติ",
        "before": '{"oit_status":"pending","title":"ก"}', "after": '{"oit_status":"published","title":"ก"}',
        "change_request_id": None, "prev_hash": GENESIS_HASH, "hash": "a" * 64,
    }
    values.update(fields)
    return AuditEvent(**values)


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_in_thai_has_a_bom_a_thai_header_and_buddhist_era_local_times():
    text = audit.to_csv([_event(), _event(id=2, action="withdraw", comment="=cmd|' /C calc'!A0")])
    assert text.startswith("\ufeff")
    header, first, second = _rows(text)
    assert header == ["เวลา", "ผู้ดำเนินการ", "การดำเนินการ", "สถานะเดิม", "สถานะใหม่",
                      "หมายเหตุ", "รหัสชุดข้อมูล", "การเปลี่ยนแปลง"]
    # 07:03 UTC is 14:03 in Bangkok (ckan.display_timezone of test.ini).
    assert first == ["25 พ.ย. 2569 14:03", "ผอ.สมชาย", "อนุมัติ", "รออนุมัติ", "เผยแพร่แล้ว",
                     "อนุมัติ", "pkg-1", "oit_status: pending → published"]
    assert second[2] == "ถอนการเผยแพร่"
    assert second[5] == "'=cmd|' /C calc'!A0"  # not run as a formula by a spreadsheet


def test_csv_in_english():
    header, row = _rows(audit.to_csv([_event(action="custom_step", from_state=None, to_state=None)], lang="en"))
    assert header == ["Time", "Actor", "Action", "From", "To", "Note", "Dataset ID", "Changes"]
    assert row[:5] == ["25 Nov 2026 14:03", "ผอ.สมชาย", "custom_step", "", ""]


def test_csv_change_summary():
    created = _event(before=None, after='{"title":"ใหม่"}')
    listed = _event(before='{"tags":["a"]}', after='{"tags":["a","b"],"notes":"' + "ย" * 200 + '"}')
    unchanged = _event(before='{"a":1}', after='{"a":1}')
    rows = _rows(audit.to_csv([created, listed, unchanged]))[1:]
    assert rows[0][7] == "title: — → ใหม่"
    notes, tags = rows[1][7].split("; ")
    assert notes.startswith("notes: — → ยยย") and notes.endswith("…") and len(notes) < 100
    assert tags == 'tags: ["a"] → ["a","b"]'
    assert rows[2][7] == ""


def test_csv_of_recorded_events_has_one_row_each():
    _record(3, comment="บันทึก")
    text = audit.to_csv(audit.events())
    rows = _rows(text)
    assert len(rows) == 4
    this_year = be_year(datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7))).year)
    assert all(str(this_year) in row[0] for row in rows[1:])


def test_export_command_writes_one_organisations_trail(cli, tmp_path):
    org = factories.Organization(name="obec-test", title="สพฐ. ทดสอบ")
    other = factories.Organization()
    audit.record(action="submit", package_id="p1", owner_org=org["id"], actor_id="u", actor_name="staff",
                 comment="ส่งอนุมัติ")
    audit.record(action="submit", package_id="p2", owner_org=other["id"], actor_id="u", actor_name="staff")
    audit.record(action="approve", package_id="p1", owner_org=org["id"], actor_id="d", actor_name="director")
    model.Session.commit()

    output = tmp_path / "trail.csv"
    result = cli.invoke(audit_command, ["export", "--org", "obec-test", "--output", str(output)])
    assert result.exit_code == 0, result.output
    raw = output.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = _rows(raw.decode("utf-8"))
    assert rows[0][0] == "เวลา"
    assert [row[6] for row in rows[1:]] == ["p1", "p1"]
    assert [row[2] for row in rows[1:]] == ["ส่งขออนุมัติ", "อนุมัติ"]

    by_id = cli.invoke(audit_command, ["export", "--org", org["id"], "--lang", "en"])
    assert by_id.exit_code == 0, by_id.output
    assert by_id.output.startswith("\ufeffTime,Actor,")
    assert len(_rows(by_id.output)) == 3


def test_export_command_refuses_an_unknown_organisation(cli):
    result = cli.invoke(audit_command, ["export", "--org", "no-such-org"])
    assert result.exit_code == 2
    assert "no-such-org" in result.output
