"""A new file's rows replace the old as a whole (records/replace.py), and a load lost
with its worker is noticed (records/watchdog.py): through the real job queue,
PostgreSQL and Redis."""
from __future__ import annotations

import datetime
import io

import pytest
import sqlalchemy as sa
from rq.job import Job, JobStatus
from werkzeug.datastructures import FileStorage

import ckan.lib.jobs as ckan_jobs
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.records import replace, watchdog
from ckanext.oit.records.model import RecordsLoad
from support.jobs import queued_jobs, run_jobs
from support.records import EXPECTED, HEADER, ROWS, csv_bytes, rows_of

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")


def _many(count: int) -> list[list[str]]:
    return [[str(n), f"จัดซื้อวัสดุ รายการที่ {n}", "1,000", "1,000", "วิธีเฉพาะเจาะจง", "ร้านไทย", "900",
             f"{n}/2569", "15/10/2568"] for n in range(1, count + 1)]


def _upload(office, data: bytes, dataset: dict | None = None) -> dict:
    dataset = dataset or office.dataset("draft")
    resource = office.act("editor", "resource_create", package_id=dataset["id"], name="แบบ สขร.1", format="CSV",
                          url="", upload=FileStorage(stream=io.BytesIO(data), filename="first.csv"))
    run_jobs()
    return tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})


def _replace(office, resource_id: str, data: bytes) -> None:
    office.act("editor", "resource_update", id=resource_id, format="CSV", url="",
               upload=FileStorage(stream=io.BytesIO(data), filename="second.csv"))


def _state(resource_id: str) -> dict:
    return tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})["oit_records"]


def _count(resource_id: str) -> int:
    return tk.get_action("datastore_search")({"ignore_auth": True}, {"resource_id": resource_id, "limit": 0})["total"]


def _public_count(app, office) -> int:
    return app.get("/api/3/action/oit_records_search", query_string={
        "organization": office.org["name"], "table": "procurement-monthly-summary"}).json["result"]["count"]


def test_a_load_killed_half_way_keeps_the_old_rows_and_ends_failed(office, app, monkeypatch):
    dataset = office.dataset("draft")
    loaded = _upload(office, csv_bytes(HEADER, ROWS), dataset)
    office.act("editor", "oit_submit", id=dataset["id"])
    office.act("admin", "oit_approve", id=dataset["id"])
    assert _public_count(app, office) == 2
    seen_mid_load = []
    original = replace.Replacement.flush

    def breaking_flush(self):
        original(self)
        if self.count >= 20:  # two chunks are in the staging table
            seen_mid_load.append((_count(loaded["id"]), rows_of(loaded["id"])[0], _public_count(app, office)))
            raise RuntimeError("injected: the copy broke")

    monkeypatch.setattr(replace, "CHUNK", 10)
    monkeypatch.setattr(replace.Replacement, "flush", breaking_flush)
    _replace(office, loaded["id"], csv_bytes(HEADER, _many(45)))
    office.act("admin", "oit_approve", id=dataset["id"])  # the change request
    run_jobs()

    # a reader during the load saw the old rows only, never some of the new
    assert seen_mid_load == [(2, EXPECTED, 2)]
    state = _state(loaded["id"])
    assert state["status"] == "failed", state
    (problem,) = state["problems"]
    assert "injected: the copy broke" in problem["message_en"] and "injected" in problem["message_th"]
    assert problem["message_th"] != problem["message_en"]
    assert state["row_count"] == 2
    assert rows_of(loaded["id"])[0] == EXPECTED and _public_count(app, office) == 2
    with replace.write_engine().connect() as connection:  # no staging table left behind
        assert connection.execute(sa.text(
            "SELECT count(*) FROM pg_class WHERE relname LIKE 'oit_staging_%'")).scalar() == 0


def test_a_reader_sees_the_old_rows_until_the_new_are_in_whole(office, monkeypatch):
    loaded = _upload(office, csv_bytes(HEADER, ROWS))
    seen = []
    flush, commit = replace.Replacement.flush, replace.Replacement.commit

    def watched_flush(self):
        flush(self)
        seen.append(_count(loaded["id"]))

    def watched_commit(self):
        seen.append(_count(loaded["id"]))
        count = commit(self)
        seen.append(_count(loaded["id"]))
        return count

    monkeypatch.setattr(replace, "CHUNK", 10)
    monkeypatch.setattr(replace.Replacement, "flush", watched_flush)
    monkeypatch.setattr(replace.Replacement, "commit", watched_commit)
    _replace(office, loaded["id"], csv_bytes(HEADER, _many(45)))
    run_jobs()
    assert _state(loaded["id"])["status"] == "loaded"
    # four chunks copied and the indexes built with the old 2 rows served; then all 45 at once
    assert seen[:-1] == [2] * (len(seen) - 1) and len(seen) >= 5 and seen[-1] == 45
    rows = tk.get_action("datastore_search")({"ignore_auth": True}, {
        "resource_id": loaded["id"], "sort": "_id", "limit": 3})["records"]
    assert [r["item_number"] for r in rows] == [1, 2, 3]  # _id follows the file's order


def test_the_replaced_table_is_still_the_datastore_s_own(office):
    loaded = _upload(office, csv_bytes(HEADER, ROWS))
    _replace(office, loaded["id"], csv_bytes(HEADER, _many(3)))
    run_jobs()
    info = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": loaded["id"]})
    fields = {f["id"]: f for f in info["fields"]}
    assert fields["item_number"]["type"] == "int8" and fields["budget_amount"]["type"] == "numeric"
    assert fields["procurement_item"]["info"]["label"] == "งานที่จัดซื้อหรือจัดจ้าง"
    # CKAN's full-text search and its trigger work on the new table
    found = tk.get_action("datastore_search")({"ignore_auth": True}, {"resource_id": loaded["id"], "q": "2/2569"})
    assert [r["item_number"] for r in found["records"]] == [2]
    with replace.write_engine().connect() as connection:
        triggers = connection.execute(sa.text(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = CAST(:t AS regclass) AND NOT tgisinternal"),
            {"t": f'"{loaded["id"]}"'}).scalars().all()
        unique = connection.execute(sa.text(
            "SELECT indexdef FROM pg_indexes WHERE tablename = :t AND indexdef LIKE 'CREATE UNIQUE%'"),
            {"t": loaded["id"]}).scalars().all()
    assert "zfulltext" in triggers
    assert any("item_number" in definition for definition in unique)  # the table schema's primaryKey


def test_a_refused_first_file_leaves_no_table(office):
    rows = [list(r) for r in ROWS]
    rows[0][2] = "lots"
    resource = _upload(office, csv_bytes(HEADER, rows))
    assert resource["oit_records"]["status"] == "invalid"
    assert resource["oit_records"]["row_count"] is None and not resource.get("datastore_active")
    with pytest.raises(tk.ObjectNotFound):
        _count(resource["id"])


def test_a_table_of_an_older_schema_is_made_anew_once_the_file_passes(office):
    loaded = _upload(office, csv_bytes(HEADER, ROWS))
    with replace.write_engine().begin() as connection:  # as an older version of the table schema left it
        connection.execute(sa.text(f'ALTER TABLE "{loaded["id"]}" DROP COLUMN contract_date'))
    rows = [list(r) for r in ROWS]
    rows[0][2] = "lots"
    _replace(office, loaded["id"], csv_bytes(HEADER, rows))
    run_jobs()
    assert _state(loaded["id"])["status"] == "invalid" and _count(loaded["id"]) == 2  # still the old table
    _replace(office, loaded["id"], csv_bytes(HEADER, ROWS))
    run_jobs()
    assert _state(loaded["id"])["status"] == "loaded"
    assert rows_of(loaded["id"])[0] == EXPECTED  # contract_date is back


def _queued(office) -> str:
    dataset = office.dataset("draft")
    resource = office.act("editor", "resource_create", package_id=dataset["id"], name="แบบ สขร.1", format="CSV",
                          url="", upload=FileStorage(stream=io.BytesIO(csv_bytes(HEADER, ROWS)), filename="a.csv"))
    assert _state(resource["id"])["status"] == "queued"
    return resource["id"]


def _age(resource_id: str) -> RecordsLoad:
    state = model.Session.get(RecordsLoad, resource_id)
    state.updated_at = datetime.datetime.utcnow() - datetime.timedelta(minutes=5)
    model.Session.commit()
    return state


def test_a_load_whose_job_is_gone_is_queued_once_more_then_loads(office):
    resource_id = _queued(office)
    state = _age(resource_id)
    Job.fetch(state.job_id, connection=ckan_jobs.get_queue().connection).delete()  # Redis lost it
    assert queued_jobs() == []
    assert watchdog.sweep().requeued == [resource_id]
    assert len(queued_jobs()) == 1 and model.Session.get(RecordsLoad, resource_id).attempts == 2
    run_jobs()
    assert _state(resource_id)["status"] == "loaded" and rows_of(resource_id)[0] == EXPECTED


def test_a_load_started_by_a_worker_that_died_is_lost_and_twice_is_failed(office):
    resource_id = _queued(office)
    state = _age(resource_id)
    connection = ckan_jobs.get_queue().connection
    job = Job.fetch(state.job_id, connection=connection)
    job.worker_name = "oit-worker-killed-9"  # took the job, then was killed: its key expired
    job.set_status(JobStatus.STARTED)
    job.save()
    assert watchdog.lost(state.job_id)
    assert watchdog.sweep().requeued == [resource_id]
    # the second attempt is lost too
    state = _age(resource_id)
    for queued in queued_jobs():
        queued.delete()
    assert watchdog.sweep().failed == [resource_id]
    shown = _state(resource_id)
    assert shown["status"] == "failed"
    assert "worker was lost" in shown["problems"][0]["message_en"]
    assert shown["problems"][0]["message_th"] != shown["problems"][0]["message_en"]


def test_a_load_still_waiting_or_running_is_left_alone(office):
    resource_id = _queued(office)
    state = _age(resource_id)
    assert not watchdog.lost(state.job_id)  # still in the queue
    done = watchdog.sweep()
    assert done.requeued == [] and done.failed == []
    assert _state(resource_id)["status"] == "queued"


def test_the_text_index_command_indexes_a_table_loaded_without_it(office):
    from click.testing import CliRunner

    from ckanext.oit.cli import oit
    from ckanext.oit.records import text_search

    loaded = _upload(office, csv_bytes(HEADER, ROWS))
    connection = replace.write_engine().raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname LIKE 'oit_trgm_%%'",
                       (loaded["id"],))
        for (name,) in cursor.fetchall():  # as the loader before the text index left it
            cursor.execute(f'DROP INDEX "{name}"')
        connection.commit()
        assert not text_search.has_index(connection, loaded["id"])
        result = CliRunner().invoke(oit, ["records", "text-index"])
        assert result.exit_code == 0 and "1 table(s) indexed" in result.output, result.output
        assert text_search.has_index(connection, loaded["id"])
    finally:
        connection.close()
