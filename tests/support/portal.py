"""Monthly procurement summaries of FY 2569 for the portal's pages (and the browser's)."""
from __future__ import annotations

import csv
import io

from werkzeug.datastructures import FileStorage

from support.jobs import run_jobs

HEADER = ["ลำดับที่", "งานที่จัดซื้อหรือจัดจ้าง", "วงเงินที่จะซื้อหรือจ้าง", "ราคากลาง", "วิธีซื้อหรือจ้าง",
          "ผู้ได้รับการคัดเลือก", "ราคาที่ตกลงซื้อหรือจ้าง", "เลขที่ของสัญญาหรือข้อตกลงในการซื้อหรือจ้าง",
          "วันที่ของสัญญาหรือข้อตกลงในการซื้อหรือจ้าง"]
ROWS = [["1", "จัดซื้อกระดาษ A4 จำนวน 100 รีม", "12,500", "12,500", "วิธีเฉพาะเจาะจง", "ร้านเครื่องเขียนไทย",
         "12,000", "4/2569", "15/10/2568"],
        ["2", "จ้างซ่อมเครื่องปรับอากาศ", "45,000", "45,000", "e-market", "บริษัท เย็นฉ่ำ จำกัด",
         "44,200", "5/2569", "20/10/2568"]]


def procurement(office, month: str, state: str, records: bool = False) -> dict:
    """A monthly procurement summary of FY 2569 for ``month`` in ``state``;
    with ``records`` its CSV goes through the records pipeline first."""
    dataset = office.act("editor", "package_create", type="oit-procurement", owner_org=office.org["id"],
                         item_key="procurement-monthly-summary", fiscal_year="2569", period=month)
    if records:
        text = io.StringIO()
        csv.writer(text).writerows([HEADER] + ROWS)
        office.act("editor", "resource_create", package_id=dataset["id"], name="แบบ สขร.1", format="CSV", url="",
                   upload=FileStorage(stream=io.BytesIO(text.getvalue().encode("utf-8")), filename="sor-kor-ror-1.csv"))
        run_jobs()
    else:
        office.act("editor", "resource_create", package_id=dataset["id"], name="แบบ สขร.1",
                   url="http://example.go.th/sor-kor-ror-1.pdf", format="PDF")
    return office.move(dataset["id"], state)
