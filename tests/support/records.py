"""A procurement summary (สขร.1) as an uploaded file and as the DataStore rows it becomes."""
from __future__ import annotations

import csv
import io

import ckan.plugins.toolkit as tk

HEADER = ["ลำดับที่", "งานที่จัดซื้อหรือจัดจ้าง", "วงเงินที่จะซื้อหรือจ้าง", "ราคากลาง", "วิธีซื้อหรือจ้าง",
          "ผู้ได้รับการคัดเลือก", "ราคาที่ตกลงซื้อหรือจ้าง", "เลขที่ของสัญญาหรือข้อตกลงในการซื้อหรือจ้าง",
          "วันที่ของสัญญาหรือข้อตกลงในการซื้อหรือจ้าง"]
ROWS = [
    ["๑", "จัดซื้อกระดาษ A4 จำนวน ๑๐๐ รีม", "๑๒,๕๐๐.๐๐", "12,500 บาท", "วิธีเฉพาะเจาะจง",
     "ร้านเครื่องเขียนไทย", "๑๒,๐๐๐.๐๐", "๔/๒๕๖๙", "๑๕ ต.ค. ๒๕๖๘"],
    ["2", "จ้างซ่อมเครื่องปรับอากาศ", "45,000", "45,000.00", "e-market",
     "บริษัท เย็นฉ่ำ จำกัด", "44,200", "5/2569", "20/10/2568"],
]
EXPECTED = [
    {"item_number": 1, "procurement_item": "จัดซื้อกระดาษ A4 จำนวน 100 รีม", "budget_amount": 12500,
     "reference_price": 12500, "procurement_method": "วิธีเฉพาะเจาะจง", "selected_supplier": "ร้านเครื่องเขียนไทย",
     "selected_price": 12000, "contract_number": "4/2569", "contract_date": "2025-10-15"},
    {"item_number": 2, "procurement_item": "จ้างซ่อมเครื่องปรับอากาศ", "budget_amount": 45000,
     "reference_price": 45000, "procurement_method": "วิธีประกาศเชิญชวนทั่วไป (e-market)",
     "selected_supplier": "บริษัท เย็นฉ่ำ จำกัด", "selected_price": 44200, "contract_number": "5/2569",
     "contract_date": "2025-10-20"},
]


def csv_bytes(header, rows, encoding="cp874") -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows([header] + rows)
    return text.getvalue().encode(encoding)


def rows_of(resource_id: str) -> list[dict]:
    result = tk.get_action("datastore_search")({"ignore_auth": True}, {"resource_id": resource_id, "sort": "item_number"})
    wanted = EXPECTED[0].keys()
    return [{k: (float(r[k]) if k in ("budget_amount", "reference_price", "selected_price") else r[k])
             for k in wanted} for r in result["records"]], {f["id"]: f["type"] for f in result["fields"]}
