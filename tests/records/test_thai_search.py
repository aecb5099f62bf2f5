"""Thai words inside cells: oit_records_search q and datastore_search q on our tables
(records/text_search.py, records/datastore_hooks.py), through the real job queue,
PostgreSQL with pg_trgm and Solr."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk

from ckanext.oit.records import replace, tables, text_search
from support.jobs import run_jobs
from support.records import HEADER, csv_bytes

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")

TABLE = "procurement-monthly-summary"
ROWS = [
    ["1", "จัดซื้อวัสดุสำนักงาน", "12,500", "12,500", "วิธีเฉพาะเจาะจง", "ร้านเครื่องเขียนไทย", "12,000",
     "๔/๒๕๖๙", "15/10/2568"],
    ["2", "จ้างซ่อมเครื่องปรับอากาศ", "45,000", "45,000", "วิธีเฉพาะเจาะจง", "บริษัท เย็นฉ่ำ จำกัด", "44,200",
     "5/2569", "20/10/2568"],
    ["3", "จัดซื้อหมึกพิมพ์ ลดราคา 10%", "3,000", "3,000", "วิธีเฉพาะเจาะจง", "ABC Supply", "2,700",
     "6/2569", "21/10/2568"],
]


def _loaded(office, state: str = "published") -> tuple[dict, str]:
    """A monthly summary whose file went through the job queue, then to ``state``."""
    dataset = office.dataset("draft")
    resource = office.act("editor", "resource_create", package_id=dataset["id"], name="แบบ สขร.1", format="CSV",
                          url="", upload=FileStorage(stream=io.BytesIO(csv_bytes(HEADER, ROWS)), filename="m.csv"))
    run_jobs()
    shown = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})
    assert shown["oit_records"]["status"] == "loaded", shown["oit_records"]
    if state == "published":
        office.act("editor", "oit_submit", id=dataset["id"])
        office.act("admin", "oit_approve", id=dataset["id"])
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset["id"]}), resource["id"]


def _records(app, office, q: str, **extra) -> list[int]:
    """Item numbers oit_records_search finds for the public."""
    response = app.get("/api/3/action/oit_records_search", query_string=dict(
        organization=office.org["name"], table=TABLE, q=q, **extra))
    assert response.status_code == 200, response.json
    result = response.json["result"]
    assert "limit" in extra or result["count"] == len(result["records"])
    return [r["item_number"] for r in result["records"]]


def _datastore(app, resource_id: str, q: str, **extra) -> list[int]:
    """Item numbers datastore_search finds for the public."""
    response = app.get("/api/3/action/datastore_search", query_string=dict(resource_id=resource_id, q=q, **extra))
    assert response.status_code == 200, response.json
    result = response.json["result"]
    assert result["total"] == len(result["records"])
    return [r["item_number"] for r in result["records"]]


def _both(app, office, resource_id: str, q: str) -> list[int]:
    found = _records(app, office, q)
    assert _datastore(app, resource_id, q) == found, q
    return found


def test_a_thai_word_inside_a_cell_is_found_by_both_searches(office, app):
    _, resource_id = _loaded(office)
    assert _both(app, office, resource_id, "วัสดุ") == [1]
    assert _both(app, office, resource_id, "จัดซื้อ") == [1, 3]
    assert _both(app, office, resource_id, "ไม่มีคำนี้") == []                 # an absent word
    # every term, in any cell of the same row
    assert _both(app, office, resource_id, "วัสดุ เครื่องเขียน") == [1]
    assert _both(app, office, resource_id, "วัสดุ  เย็นฉ่ำ") == []             # each in another row
    assert _both(app, office, resource_id, "วัสดุ\u200bสำนักงาน") == [1]       # a zero-width space splits too
    # % and _ are the characters themselves, not wildcards
    assert _both(app, office, resource_id, "10%") == [3]
    assert _both(app, office, resource_id, "%") == [3]
    assert _both(app, office, resource_id, "_") == []
    assert _both(app, office, resource_id, "\\") == []
    # no case; Thai digits as the loader stores them; amounts are cells too
    assert _both(app, office, resource_id, "abc supply") == [3]
    assert _both(app, office, resource_id, "๔/๒๕๖๙") == [1]
    assert _both(app, office, resource_id, "4/2569") == [1]
    assert _both(app, office, resource_id, "45000") == [2]
    assert _both(app, office, resource_id, "๔๕,๐๐๐") == [2]                  # as the file wrote it


def test_the_searches_keep_their_other_parameters(office, app):
    _, resource_id = _loaded(office)
    assert _records(app, office, "จัดซื้อ", filters='{"selected_supplier": "ABC Supply"}') == [3]
    assert _records(app, office, "จัดซื้อ", limit=1, offset=1) == [3]
    response = app.get("/api/3/action/oit_records_search", query_string={
        "organization": office.org["name"], "table": TABLE, "q": "จัดซื้อ", "limit": 1}).json["result"]
    assert response["count"] == 2 and [r["item_number"] for r in response["records"]] == [1]
    # datastore_search: the file's order, the q echoed, no rank of a tsquery that was not used
    result = app.get("/api/3/action/datastore_search", query_string={
        "resource_id": resource_id, "q": "จัดซื้อ"}).json["result"]
    assert [r["item_number"] for r in result["records"]] == [1, 3]
    assert result["q"] == "จัดซื้อ" and "rank" not in {f["id"] for f in result["fields"]}
    assert _datastore(app, resource_id, "จัดซื้อ", sort="item_number desc") == [3, 1]
    assert _datastore(app, resource_id, "จัดซื้อ", filters='{"item_number": 3}') == [3]
    assert _datastore(app, resource_id, "จัดซื้อ", fields="item_number,rank") == [1, 3]
    assert _datastore(app, resource_id, "จัดซื้อ", full_text="ABC") == [3]
    # plain=false is PostgreSQL's tsquery language (CKAN's table view sends it): CKAN's own search
    assert _datastore(app, resource_id, "suppl:*", plain="false") == [3]
    assert _datastore(app, resource_id, "วัสดุ:*", plain="false") == []


def test_too_many_words_are_refused_by_both(office, app):
    _, resource_id = _loaded(office)
    words = " ".join(f"คำ{n}" for n in range(text_search.MAX_TERMS + 1))
    records = app.get("/api/3/action/oit_records_search", query_string={
        "organization": office.org["name"], "table": TABLE, "q": words})
    datastore = app.get("/api/3/action/datastore_search", query_string={"resource_id": resource_id, "q": words})
    for response in (records, datastore):
        assert response.status_code == 409
        assert "words" in str(response.json["error"]["q"])
    assert app.get("/api/3/action/oit_records_search", query_string={
        "organization": office.org["name"], "table": TABLE, "q": "ก" * 1001}).status_code == 409


def test_the_rows_of_an_unpublished_dataset_are_found_by_its_organisation_only(office, app):
    _, resource_id = _loaded(office, "draft")
    assert _records(app, office, "วัสดุ") == []
    assert app.get("/api/3/action/datastore_search", query_string={
        "resource_id": resource_id, "q": "วัสดุ"}).status_code == 403
    member = {"user": office.users["member"]["name"]}
    inside = tk.get_action("oit_records_search")(member, {
        "organization": office.org["name"], "table": TABLE, "q": "วัสดุ"})
    assert [r["item_number"] for r in inside["records"]] == [1]
    inside = tk.get_action("datastore_search")(dict(member), {"resource_id": resource_id, "q": "วัสดุ"})
    assert [r["item_number"] for r in inside["records"]] == [1]
    for who in ("stranger", "other_admin"):
        with pytest.raises(tk.NotAuthorized):
            tk.get_action("datastore_search")(office.context(who), {"resource_id": resource_id, "q": "วัสดุ"})


def _trigram_indexes(resource_id: str) -> list[str]:
    with replace.write_engine().connect() as connection:
        return connection.execute(sa.text(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_opclass o ON o.oid = ANY (i.indclass) "
            "WHERE i.indrelid = CAST(:t AS regclass) AND o.opcname = 'gin_trgm_ops'"),
            {"t": f'"{resource_id}"'}).scalars().all()


def _plan(resource_id: str, q: str) -> str:
    fragment, params = text_search.where(tables.get(TABLE), q)
    with replace.write_engine().connect() as connection:
        connection.execute(sa.text("SET LOCAL enable_seqscan = off"))  # three rows: else a scan is cheaper
        plan = connection.execute(sa.text(f'EXPLAIN SELECT _id FROM "{resource_id}" WHERE {fragment}'), params)
        return "\n".join(row[0] for row in plan)


@pytest.mark.ckan_config("ckanext.oit.records.text_index_min_rows", "1")
def test_the_loader_indexes_the_cells_and_a_table_without_the_index_is_searched_alike(office, app):
    _, resource_id = _loaded(office)
    assert _trigram_indexes(resource_id)
    assert "Bitmap Index Scan on oit_trgm_" in _plan(resource_id, "วัสดุ")    # Thai trigrams are indexed
    # a table of the earlier loader has no trigram index: the same rows, row by row
    with replace.write_engine().begin() as connection:
        for name in _trigram_indexes(resource_id):
            connection.execute(sa.text(f'DROP INDEX "{name}"'))
    assert not _trigram_indexes(resource_id)
    assert "oit_trgm_" not in _plan(resource_id, "วัสดุ")
    assert _both(app, office, resource_id, "วัสดุ") == [1]
    assert _both(app, office, resource_id, "10%") == [3]
    # and it can be indexed afterwards, once
    assert text_search.add_index(resource_id, tables.get(TABLE)) is True
    assert text_search.add_index(resource_id, tables.get(TABLE)) is False
    assert "Bitmap Index Scan on oit_trgm_" in _plan(resource_id, "วัสดุ")
    assert _both(app, office, resource_id, "วัสดุ") == [1]


def test_rows_written_later_through_the_api_are_found_too(office):
    _, resource_id = _loaded(office, "draft")  # a draft's rows may be written directly
    office.act("editor", "datastore_upsert", resource_id=resource_id, force=True, method="insert", records=[
        {"item_number": 4, "procurement_item": "จัดซื้อวัสดุคอมพิวเตอร์", "budget_amount": 9000}])
    found = tk.get_action("datastore_search")({"ignore_auth": True}, {"resource_id": resource_id, "q": "วัสดุ"})
    assert [r["item_number"] for r in found["records"]] == [1, 4]


def test_a_table_that_is_not_ours_keeps_ckan_s_search(office):
    dataset = office.dataset("draft")  # its resource is a link: no records of ours
    resource_id = dataset["resources"][0]["id"]
    office.act("editor", "datastore_create", resource_id=resource_id, force=True,
               fields=[{"id": "name", "type": "text"}],
               records=[{"name": "จัดซื้อวัสดุสำนักงาน"}, {"name": "office supplies"}])
    search = tk.get_action("datastore_search")

    def names(q):
        return [r["name"] for r in search({"ignore_auth": True}, {"resource_id": resource_id, "q": q})["records"]]

    assert names("วัสดุ") == []                                   # CKAN's English tsquery, unchanged
    assert names("จัดซื้อวัสดุสำนักงาน") == ["จัดซื้อวัสดุสำนักงาน"]
    assert names("supply") == ["office supplies"]                # stemmed, as CKAN does
    result = search({"ignore_auth": True}, {"resource_id": resource_id, "q": "supply"})
    assert "rank" in {f["id"] for f in result["fields"]}


def test_the_index_statements_cover_every_searched_cell():
    schema = tables.get(TABLE)
    (statement,) = text_search.index_statements("oit_staging_x", schema)
    cells = text_search.expressions(schema)
    assert all(f"({cell}) gin_trgm_ops" in statement for cell in cells)
    assert '"procurement_item"' in cells and 'CAST("budget_amount" AS text)' in cells
    assert not any("contract_date" in cell for cell in cells)  # a date's text depends on DateStyle
    wide = {"fields": [{"name": f"c{n}", "type": "string"} for n in range(40)]}
    assert len(text_search.index_statements("t", wide)) == 2   # at most 32 columns an index
    assert text_search.where(schema, "  \u200b ") == ("", {})
    assert text_search.terms("๑๒ ab ab") == ["12", "ab"]
