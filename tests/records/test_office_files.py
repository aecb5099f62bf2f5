"""Files as offices produce them, through the upload and the real job queue: Excel's
"Unicode Text" (UTF-16), duplicate item numbers, a column of the official form left
out (a warning the pages and the API show), control characters."""
from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from support.jobs import run_jobs
from support.records import EXPECTED, HEADER, ROWS, csv_bytes, rows_of

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")

# the official แบบ สขร.1 columns the shared sample leaves out (it loads with warnings)
BIDDERS, REASON = "รายชื่อผู้เสนอราคาและราคาที่เสนอ", "เหตุผลที่คัดเลือกโดยสรุป"


def _text(header, rows) -> str:
    """As Excel saves "Unicode Text": tab-separated, CRLF."""
    return "\r\n".join("\t".join(cells) for cells in [header] + rows) + "\r\n"


def _upload(office, data: bytes, filename: str = "sor-kor-ror-1.txt", dataset: dict | None = None) -> dict:
    dataset = dataset or office.dataset("draft")
    resource = office.act("editor", "resource_create", package_id=dataset["id"], name="แบบ สขร.1", format="CSV",
                          url="", upload=FileStorage(stream=io.BytesIO(data), filename=filename))
    run_jobs()
    return tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})


def _page(app, office, role: str, path: str) -> str:
    token = factories.APIToken(user=office.users[role]["name"])["token"]
    return BeautifulSoup(app.get(path, headers={"Authorization": token}).body, "html.parser")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_excel_unicode_text_loads(office, encoding):
    data = _text(HEADER, ROWS).encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # Python writes no mark for an explicit byte order
    resource = _upload(office, data)
    state = resource["oit_records"]
    assert state["status"] == "loaded", state
    assert state["encoding"] == "utf-16"
    assert rows_of(resource["id"])[0] == EXPECTED


def test_duplicate_item_numbers_are_named_with_both_rows_and_nothing_loads(office):
    rows = [list(r) for r in ROWS] + [list(ROWS[1])]
    rows[2][7] = "6/2569"  # a third row, numbered 2 again
    resource = _upload(office, csv_bytes(HEADER, rows, "utf-8"), "dup.csv")
    state = resource["oit_records"]
    assert state["status"] == "invalid", state
    (problem,) = state["problems"]
    assert (problem["row"], problem["column"]) == (4, "ลำดับที่")
    assert "row 3" in problem["message_en"] and "3" in problem["message_th"]
    assert problem["message_th"] != problem["message_en"]
    assert state["row_count"] is None


def test_a_missing_optional_official_column_loads_with_a_warning_everyone_sees(office, app):
    dataset = office.dataset("draft")
    resource = _upload(office, csv_bytes(HEADER, ROWS, "utf-8"), "old-template.csv", dataset)
    state = resource["oit_records"]
    assert state["status"] == "loaded" and state["problem_count"] == 0
    warned = {w["column"]: w for w in state["warnings"]}
    assert set(warned) == {BIDDERS, REASON}
    assert "official form" in warned[BIDDERS]["message_en"] and warned[BIDDERS]["message_th"] != warned[BIDDERS]["message_en"]
    # the API's own state action
    shown = office.act("editor", "oit_records_state_show", resource_id=resource["id"])
    (table,) = shown["tables"]
    assert {w["column"] for w in table["warnings"]} == {BIDDERS, REASON}
    # the resource page, and the approval page the director decides on
    page = _page(app, office, "editor", f"/oit-procurement/{dataset['name']}/resource/{resource['id']}")
    box = page.select_one(".oit-records-warnings")
    assert box is not None and warned[BIDDERS]["message_th"] in box.get_text(" ", strip=True)
    office.act("editor", "oit_submit", id=dataset["id"])
    approvals = _page(app, office, "admin", "/oit/approvals")
    listed = " ".join(li.get_text(" ", strip=True) for li in approvals.select(".oit-table-warnings p"))
    assert warned[REASON]["message_th"] in listed


def test_a_file_with_every_official_column_has_no_warning(office):
    header = HEADER[:5] + [BIDDERS] + HEADER[5:7] + [REASON] + HEADER[7:]
    rows = [r[:5] + ["ร้านเครื่องเขียนไทย 12,000"] + r[5:7] + ["ราคาต่ำสุด"] + r[7:] for r in ROWS]
    state = _upload(office, csv_bytes(header, rows, "utf-8"), "current.csv")["oit_records"]
    assert state["status"] == "loaded" and state["warnings"] == []


def test_a_control_character_in_utf16_is_refused_with_its_row(office):
    rows = [list(r) for r in ROWS]
    rows[0][1] = "จัดซื้อกระดาษ\x0b A4"
    state = _upload(office, _text(HEADER, rows).encode("utf-16"))["oit_records"]
    assert state["status"] == "invalid"
    (problem,) = state["problems"]
    assert problem["row"] == 2 and "U+000B" in problem["message_en"]


def test_past_a_thousand_problems_the_count_is_still_true(office):
    rows = [[str(n), "จัดซื้อวัสดุ", "lots", "", "วิธีเฉพาะเจาะจง", "ร้านไทย", "900", "", ""] for n in range(1, 1501)]
    resource = _upload(office, csv_bytes(HEADER, rows, "utf-8"), "many.csv")
    state = resource["oit_records"]
    assert state["status"] == "invalid" and state["problem_count"] == 1500
    shown = office.act("editor", "oit_records_state_show", resource_id=resource["id"])["tables"][0]
    assert shown["problem_count"] == 1500 and len(shown["problems"]) == 100  # the first, as the page lists them
