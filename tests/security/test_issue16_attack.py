"""Attacks on issue 16 (records replaced through a staging table, the watchdog,
streaming reading, compiled checks, Thai substring search and the datastore_search
hook), through the real job queue, PostgreSQL, Redis and Solr.

Broke (these tests fail until the product is fixed):
- A DataStore alias (a view, ``datastore_create aliases``) on a records table, made by
  the dataset's editor on a draft (or by a sysadmin on a published one): the swap's
  ``DROP TABLE`` without CASCADE fails, and every later file of that resource ends
  "failed", for good.
- A CSV line of millions of commas is split into a list of millions of cells before the
  column limit is checked: ~8 bytes of memory per byte of the file (a 50 MB upload
  holds ~400 MB in the worker), against "memory stays flat".

Held: the other tests (regression proofs).
"""
from __future__ import annotations

import codecs
import io
import tracemalloc

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.records import reading, replace
from support.jobs import run_jobs
from support.records import HEADER, csv_bytes

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")

TABLE = "procurement-monthly-summary"
ROWS = [
    ["1", "จัดซื้อวัสดุสำนักงาน", "12,500", "12,500", "วิธีเฉพาะเจาะจง", "ร้านเครื่องเขียนไทย", "12,000",
     "4/2569", "15/10/2568"],
    ["2", "จ้างซ่อมเครื่องปรับอากาศ", "45,000", "45,000", "วิธีเฉพาะเจาะจง", "บริษัท เย็นฉ่ำ จำกัด", "44,200",
     "5/2569", "20/10/2568"],
]
NEW_ROWS = ROWS + [["3", "จัดซื้อหมึกพิมพ์", "3,000", "3,000", "วิธีเฉพาะเจาะจง", "ABC Supply", "2,700",
                    "6/2569", "21/10/2568"]]


# --- helpers ---------------------------------------------------------------------------

def _upload(office, data: bytes, dataset: dict | None = None, filename: str = "m.csv") -> tuple[dict, str]:
    dataset = dataset or office.dataset("draft")
    resource = office.act("editor", "resource_create", package_id=dataset["id"], name="แบบ สขร.1",
                          format="XLSX" if filename.endswith(".xlsx") else "CSV", url="",
                          upload=FileStorage(stream=io.BytesIO(data), filename=filename))
    run_jobs()
    return dataset, resource["id"]


def _loaded(office, state: str = "draft") -> tuple[dict, str]:
    dataset, resource_id = _upload(office, csv_bytes(HEADER, ROWS))
    assert _state(resource_id)["status"] == "loaded", _state(resource_id)
    if state == "published":
        office.act("editor", "oit_submit", id=dataset["id"])
        office.act("admin", "oit_approve", id=dataset["id"])
    return dataset, resource_id


def _replace(office, resource_id: str, data: bytes, filename: str = "second.csv") -> None:
    office.act("editor", "resource_update", id=resource_id, format="CSV", url="",
               upload=FileStorage(stream=io.BytesIO(data), filename=filename))
    run_jobs()


def _state(resource_id: str) -> dict:
    model.Session.rollback()
    return tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})["oit_records"]


def _items(resource_id: str) -> list[int]:
    result = tk.get_action("datastore_search")({"ignore_auth": True},
                                                {"resource_id": resource_id, "sort": "item_number"})
    return [r["item_number"] for r in result["records"]]


def _tables() -> set[str]:
    with replace.write_engine().connect() as connection:
        return set(connection.execute(sa.text(
            "SELECT relname FROM pg_class WHERE relkind IN ('r', 'v', 'S') AND relnamespace = 'public'::regnamespace"
        )).scalars())


def _api(app, action: str, token: str | None = None, get: bool = False, **data):
    headers = {"Authorization": token} if token else {}
    if get:
        return app.get(f"/api/3/action/{action}", query_string=data, headers=headers)
    return app.post(f"/api/3/action/{action}", json=data, headers=headers)


def _token(office, role: str) -> str:
    from ckan.tests import factories

    return factories.APIToken(user=office.users[role]["name"])["token"]


# --- SQL injection through q, filters, sort --------------------------------------------

INJECTIONS = [
    "'; DROP TABLE \"{rid}\"; --",
    "\\' OR 1=1 --",
    "%' OR '1'='1",
    ":oit_q0_0 ) OR (1=1",
    "$oit$ ; DROP TABLE x; $oit$",
    "\\",
    "%%%%",
    "_",
    "\x00",
]


@pytest.mark.parametrize("n", range(len(INJECTIONS)))
def test_q_is_a_bound_parameter_in_both_searches(office, app, n):
    _, resource_id = _loaded(office, "published")
    q = INJECTIONS[n].format(rid=resource_id)
    records = _api(app, "oit_records_search", get=True, organization=office.org["name"], table=TABLE, q=q)
    datastore = _api(app, "datastore_search", get=True, resource_id=resource_id, q=q)
    for response in (records, datastore):
        # a NUL is refused as a parameter (409), never a 500; anything else finds nothing
        assert response.status_code in (200, 409), response.body
        if response.status_code == 200:
            result = response.json["result"]
            assert result.get("count", result.get("total")) == 0, (q, result)
    assert resource_id in _tables() and _items(resource_id) == [1, 2]


def test_filters_and_sort_names_cannot_break_out(office, app):
    _, resource_id = _loaded(office, "published")
    response = _api(app, "oit_records_search", get=True, organization=office.org["name"], table=TABLE,
                    filters='{"item_number\\" = 1 OR 1=1; --": "1"}')
    assert response.status_code == 409
    for sort in ('item_number"; DROP TABLE x; --', "item_number desc, (SELECT 1)"):
        response = _api(app, "datastore_search", get=True, resource_id=resource_id, q="จัดซื้อ", sort=sort)
        assert response.status_code == 409, response.body
    assert _items(resource_id) == [1, 2]


def test_the_hook_keeps_ckans_q_dict_plain_false_full_text_and_distinct(office, app):
    _, resource_id = _loaded(office, "published")
    # q as a dict: CKAN's own per-column tsquery, our hook leaves it
    response = _api(app, "datastore_search", get=True, resource_id=resource_id,
                    q='{"procurement_item": "วัสดุ"}')
    assert response.status_code == 200, response.body
    response = _api(app, "datastore_search", get=True, resource_id=resource_id, q="จัดซื้อ", plain="false")
    assert response.status_code == 200, response.body
    response = _api(app, "datastore_search", get=True, resource_id=resource_id, q="วัสดุ",
                    full_text="วัสดุ", distinct="true", fields="item_number,procurement_item")
    # CKAN 2.12 orders a DISTINCT page by full_text's rank, which PostgreSQL refuses for any
    # table ("Invalid query", 409): an answer either way, never a 500
    assert response.status_code in (200, 409), response.body
    response = _api(app, "datastore_search", get=True, resource_id=resource_id, q="วัสดุ", fields="rank,item_number")
    assert response.status_code == 200, response.body
    assert [r["item_number"] for r in response.json["result"]["records"]] == [1]
    response = _api(app, "datastore_search", get=True, resource_id=resource_id, q="วัสดุ", records_format="csv")
    assert response.status_code == 200, response.body


def test_sort_by_rank_with_a_string_q_is_answered_not_a_500(office, app):
    """The hook takes the rank column out, not a user's ``ORDER BY "rank"``; CKAN's own
    validation refuses ``sort=rank`` before any hook runs (409), so no 500."""
    _, resource_id = _loaded(office, "published")
    response = _api(app, "datastore_search", get=True, resource_id=resource_id, q="จัดซื้อ", sort="rank desc")
    assert response.status_code in (200, 409), response.body[:300]


def test_many_long_terms_are_refused_or_answered(office, app):
    _, resource_id = _loaded(office, "published")
    q = " ".join(f"{n}" + "ก" * 40 for n in range(21))
    response = _api(app, "datastore_search", get=True, resource_id=resource_id, q=q)
    assert response.status_code == 409, response.body[:300]
    response = _api(app, "oit_records_search", get=True, organization=office.org["name"], table=TABLE, q=q)
    assert response.status_code == 409, response.body[:300]


# --- who reads and writes our tables ------------------------------------------------------

@pytest.mark.parametrize("role", ["anonymous", "stranger", "other_editor", "other_admin"])
def test_the_hook_never_opens_a_draft_table(office, app, role):
    _, resource_id = _loaded(office, "draft")
    token = None if role == "anonymous" else _token(office, role)
    for data in ({"q": "จัดซื้อ"}, {"q": "จัดซื้อ", "plain": "false"}, {"q": '{"procurement_item": "จัดซื้อ"}'},
                 {"full_text": "จัดซื้อ"}, {}):
        response = _api(app, "datastore_search", token=token, get=True, resource_id=resource_id, **data)
        assert response.status_code == 403, (data, response.body[:300])
    sql = f'SELECT * FROM "{resource_id}" WHERE procurement_item ILIKE \'%จัดซื้อ%\''
    response = _api(app, "datastore_search_sql", token=token, get=True, sql=sql)
    assert response.status_code == 403, response.body[:300]
    response = _api(app, "oit_records_search", token=token, get=True, organization=office.org["name"],
                    table=TABLE, q="จัดซื้อ")
    assert response.status_code == 200 and response.json["result"]["count"] == 0


def test_search_sql_cannot_reach_staging_tables_sequences_or_indexes(office, app):
    _, resource_id = _loaded(office, "published")
    names = _tables() - {resource_id}
    own = [n for n in names if n.startswith("oit_")]
    assert own, names  # the swap's sequence is there, under a name no resource has
    assert not [n for n in names if n.startswith("oit_staging_")]  # nothing left of a load
    for name in own:
        response = _api(app, "datastore_search_sql", get=True, sql=f'SELECT * FROM "{name}"')
        # refused: 2.11 answers 403 or 409, 2.12 says it is not found (404)
        assert response.status_code in (403, 404, 409), (name, response.body[:300])
        assert "nextval" not in response.body and '"records"' not in response.body


@pytest.mark.parametrize("role", ["other_editor", "other_admin", "member", "stranger"])
@pytest.mark.parametrize("action", ["datastore_create", "datastore_upsert", "datastore_delete"])
def test_other_people_cannot_write_our_tables(office, app, role, action):
    _, resource_id = _loaded(office, "draft")
    data = {"resource_id": resource_id, "force": True}
    if action == "datastore_create":
        data.update(fields=[{"id": "x", "type": "text"}], aliases=[f"a{resource_id[:8]}"])
    elif action == "datastore_upsert":
        data.update(method="insert", records=[{"item_number": 99, "procurement_item": "x"}])
    response = _api(app, action, token=_token(office, role), **data)
    assert response.status_code == 403, response.body[:300]
    assert _items(resource_id) == [1, 2]


@pytest.mark.parametrize("action", ["datastore_create", "datastore_upsert", "datastore_delete"])
def test_the_editor_cannot_write_a_published_table(office, app, action):
    _, resource_id = _loaded(office, "published")
    data = {"resource_id": resource_id, "force": True}
    if action == "datastore_create":
        data.update(triggers=[{"function": "populate_full_text_trigger"}], aliases=[f"a{resource_id[:8]}"])
    elif action == "datastore_upsert":
        data.update(method="insert", records=[{"item_number": 99, "procurement_item": "x"}])
    response = _api(app, action, token=_token(office, "editor"), **data)
    assert response.status_code == 403, response.body[:300]
    assert _items(resource_id) == [1, 2]


def test_an_editor_cannot_make_a_trigger_function(office, app):
    response = _api(app, "datastore_function_create", token=_token(office, "admin"), name="oit_evil",
                    rettype="trigger", definition="BEGIN RETURN NEW; END;")
    assert response.status_code == 403


def test_an_alias_on_a_draft_table_does_not_break_the_next_load(office, app):
    """Was broken: the swap dropped the live table without CASCADE, so a view on it (a
    DataStore alias the editor may add to a draft's table, or a sysadmin to any) made
    every later load of the resource fail."""
    _, resource_id = _loaded(office, "draft")
    alias = f"alias-{resource_id[:8]}"
    response = _api(app, "datastore_create", token=_token(office, "editor"), resource_id=resource_id, force=True,
                    aliases=[alias])
    assert response.status_code == 200, response.body[:300]
    _replace(office, resource_id, csv_bytes(HEADER, NEW_ROWS))
    state = _state(resource_id)
    assert state["status"] == "loaded", state
    assert _items(resource_id) == [1, 2, 3]
    # the alias is made again on the new table, and shows its rows
    through_alias = tk.get_action("datastore_search")({"ignore_auth": True}, {"resource_id": alias})
    assert sorted(r["item_number"] for r in through_alias["records"]) == [1, 2, 3]


def test_extra_columns_or_changed_types_made_by_the_editor_do_not_survive_a_load(office, app):
    _, resource_id = _loaded(office, "draft")
    response = _api(app, "datastore_create", token=_token(office, "editor"), resource_id=resource_id, force=True,
                    fields=[{"id": "injected", "type": "text"}])
    assert response.status_code == 200, response.body[:300]
    _replace(office, resource_id, csv_bytes(HEADER, NEW_ROWS))
    assert _state(resource_id)["status"] == "loaded"
    assert _items(resource_id) == [1, 2, 3]
    columns = [name for name, _ in replace.table_columns(resource_id)]
    assert "injected" not in columns


def test_a_trigger_the_editor_added_is_kept_as_ckan_keeps_it_and_runs_no_code_of_theirs(office, app):
    """datastore_create ``triggers`` names an existing function only (making one is a
    sysadmin's), and the swap re-creates it from pg_get_triggerdef, quoted by
    PostgreSQL: the editor gets no statement of their own into the swap."""
    _, resource_id = _loaded(office, "draft")
    response = _api(app, "datastore_create", token=_token(office, "editor"), resource_id=resource_id, force=True,
                    triggers=[{"function": 'populate_full_text_trigger"() ; DROP TABLE x; --'}])
    assert response.status_code == 409, response.body[:300]
    response = _api(app, "datastore_create", token=_token(office, "editor"), resource_id=resource_id, force=True,
                    triggers=[{"function": "suppress_redundant_updates_trigger"}])
    assert response.status_code == 200, response.body[:300]
    _replace(office, resource_id, csv_bytes(HEADER, NEW_ROWS))
    assert _state(resource_id)["status"] == "loaded"
    assert _items(resource_id) == [1, 2, 3]


# --- duplicate keys that collide only in the DataStore -------------------------------------

@pytest.mark.parametrize("second", [" 1", "๑", "1.0", "01", "+1", "1e0", "1.000000000000000000000000000001"])
def test_a_number_written_otherwise_is_a_duplicate_or_an_error_never_a_failed_swap(office, second):
    _, resource_id = _loaded(office, "draft")
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[1][0] = second
    _replace(office, resource_id, csv_bytes(HEADER, rows))
    state = _state(resource_id)
    assert state["status"] == "invalid", state
    assert all(p["row"] == 3 for p in state["problems"]), state["problems"]
    assert _items(resource_id) == [1, 2]  # the old rows stay


# --- files ------------------------------------------------------------------------------------

def _read_all(data: bytes, filename: str = "x.csv") -> list[list]:
    with reading.open_table(data, filename, limits=reading.Limits()) as table:
        return [table.headers] + [cells for _, cells in table.rows]


@pytest.mark.parametrize("data", [
    codecs.BOM_UTF16_LE + "a,b\n1,2\n".encode("utf-16-le") + b"\x00",          # odd length
    codecs.BOM_UTF16_LE + "a,b\n".encode("utf-16-le") + b"\x00\xd8" + b"1\x00",  # a lone surrogate
    codecs.BOM_UTF16_BE + "a,b\n".encode("utf-16-le"),                          # BOM says BE, text is LE
    codecs.BOM_UTF8 + b"a,b\n\xa1\xa2,1\n",                                      # BOM says UTF-8, cp874 after
    codecs.BOM_UTF32_LE + "a,b\n".encode("utf-32-le"),                          # UTF-32 read as UTF-16
])
def test_odd_utf16_and_lying_boms_end_in_a_message(data):
    try:
        rows = _read_all(data)
    except reading.ReadError as error:
        assert error.message.say("en")
    else:
        assert all(isinstance(c, str) for row in rows for c in row)


def test_utf8_for_a_mebibyte_then_cp874_is_read_in_cp874_from_the_first_row():
    body = ("1,ก\n" * 300_000).encode("utf-8")
    assert len(body) > 1 << 20
    data = b"a,b\n" + body.replace("ก".encode("utf-8"), "ก".encode("utf-8"), 1) + "2,ข\n".encode("cp874")
    try:
        rows = _read_all(data)
    except reading.ReadError as error:
        assert "TIS-620" in error.message.say("en") or "UTF-8" in error.message.say("en")
    else:
        assert rows[-1] == ["2", "ข"]


def test_nul_and_control_characters_are_a_problem_of_the_row_not_a_failed_load(office):
    _, resource_id = _loaded(office, "draft")
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[1][1] = "จ้าง\x00ซ่อม"
    _replace(office, resource_id, csv_bytes(HEADER, rows, encoding="utf-8"))
    state = _state(resource_id)
    assert state["status"] == "invalid", state
    assert _items(resource_id) == [1, 2]


def test_copy_escapes_cannot_move_cells_or_end_the_copy(office, app):
    _, resource_id = _loaded(office, "draft")
    rows = [list(r) for r in NEW_ROWS]
    rows[0][1] = "a\\.\tb\\N"
    rows[1][1] = "\\."
    rows[2][1] = "\\N"
    _replace(office, resource_id, csv_bytes(HEADER, rows, encoding="utf-8"))
    assert _state(resource_id)["status"] == "loaded"
    found = tk.get_action("datastore_search")({"ignore_auth": True}, {"resource_id": resource_id,
                                                                       "sort": "item_number"})["records"]
    # the tab is whitespace for the loader (one space); the backslashes stay as written
    assert [r["procurement_item"] for r in found] == ["a\\. b\\N", "\\.", "\\N"]


def test_a_line_of_millions_of_commas_does_not_take_memory_by_the_cell(tmp_path):
    """Was broken: csv.reader made the whole line a list of cells before the column limit
    was checked (8 bytes a comma): a 50 MB upload held ~400 MB in the worker."""
    path = tmp_path / "commas.csv"
    path.write_bytes(b"a,b\n" + b"," * 5_000_000 + b"\n")
    tracemalloc.start()
    try:
        with pytest.raises(reading.ReadError):
            with reading.open_table(str(path), "commas.csv", limits=reading.Limits()) as table:
                for _ in table.rows:
                    pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, f"{peak / 2 ** 20:.0f} MiB for a 5 MB line"


def test_a_file_of_blank_rows_is_refused_or_read_quickly():
    data = b"a,b,c,d,e,f,g,h,i\n" + b",,,,,,,,\n" * 500_000
    try:
        rows = _read_all(data)
    except reading.ReadError as error:
        assert error.message.say("en")
    else:
        assert rows == [["a", "b", "c", "d", "e", "f", "g", "h", "i"]]


def test_an_xlsx_x0000_escape_is_read_as_a_nul_and_refused_by_the_checks():
    import zipfile

    from ckanext.oit.records import tables, validation

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"

    def cell(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    letters = "ABCDEFGHI"
    header = "".join(cell(f"{letters[i]}1", h) for i, h in enumerate(HEADER))
    row = list(ROWS[0])
    row[1] = "x_x0000_y"
    body = "".join(cell(f"{letters[i]}2", v) for i, v in enumerate(row))
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
                   'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
                   '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
                   'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
                   '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/'
                   'officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="S" '
                   'sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
                   f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><sheetData><row r="1">{header}</row>'
                   f'<row r="2">{body}</row></sheetData></worksheet>')
    with reading.open_table(data.getvalue(), "x.xlsx", limits=reading.Limits()) as table:
        checker = validation.Checker(tables.get(TABLE), table.headers)
        for number, cells in table.rows:
            checker.feed(number, cells)
        checker.finish()
    assert [p.row for p in checker.problems] == [2]
