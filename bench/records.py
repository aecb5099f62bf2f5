"""Rows per second and peak memory of validating and of loading a large
แบบ สขร.1 upload, through CKAN's real job queue (figures, not a test).

    .venv/bin/python bench/records.py [--rows 20000] [--ini ckan.ini]

It makes a throw-away organisation and dataset in the portal of ``--ini``
(the development portal by default) and deletes them at the end.
"""
from __future__ import annotations

import argparse
import csv
import io
import time
import tracemalloc
import uuid


def sample_csv(rows: int) -> bytes:
    header = ["ลำดับที่", "งานที่จัดซื้อหรือจัดจ้าง", "วงเงินที่จะซื้อหรือจ้าง", "ราคากลาง", "วิธีซื้อหรือจ้าง",
              "ผู้ได้รับการคัดเลือก", "ราคาที่ตกลงซื้อหรือจ้าง", "เลขที่ของสัญญาหรือข้อตกลงในการซื้อหรือจ้าง",
              "วันที่ของสัญญาหรือข้อตกลงในการซื้อหรือจ้าง"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for n in range(1, rows + 1):
        writer.writerow([n, f"จัดซื้อวัสดุสำนักงาน รายการที่ {n}", f"{n * 10:,}.00", f"{n * 10:,} บาท",
                         "วิธีเฉพาะเจาะจง", "ร้านเครื่องเขียนไทย", f"{n * 9:,}", f"{n}/2569",
                         f"{1 + n % 28}/10/2568"])
    return out.getvalue().encode("cp874")


def measured(label: str, rows: int, work):
    tracemalloc.start()
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<34}{rows / elapsed:>12,.0f} rows/s{elapsed:>9.2f} s{peak / 2**20:>10.1f} MiB peak")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--ini", default="ckan.ini")
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(args.ini))
    with app._wsgi_app.test_request_context():
        import rq
        from werkzeug.datastructures import FileStorage

        import ckan.lib.jobs as jobs
        import ckan.plugins.toolkit as tk
        from ckanext.oit.records import reading, tables, validation

        data = sample_csv(args.rows)
        print(f"แบบ สขร.1, {args.rows:,} rows, {len(data) / 2**20:.1f} MiB in Windows-874\n")
        schema = tables.get("procurement-monthly-summary")

        def validate():
            rows, problems = validation.check(reading.read(data, "bench.csv"), schema)
            assert not problems, problems[:3]
            return rows

        measured("read + normalise + validate", args.rows, validate)

        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        context = {"user": site["name"], "ignore_auth": True}
        org = tk.get_action("organization_create")(dict(context), {"name": f"bench-{uuid.uuid4().hex[:8]}"})
        dataset = tk.get_action("package_create")(dict(context), {
            "type": "oit-procurement", "owner_org": org["id"], "item_key": "procurement-monthly-summary",
            "fiscal_year": "2569", "period": "2025-10"})
        try:
            def load():
                resource = tk.get_action("resource_create")(dict(context), {
                    "package_id": dataset["id"], "format": "CSV", "url": "",
                    "upload": FileStorage(stream=io.BytesIO(data), filename="bench.csv")})
                queue = jobs.get_queue()
                rq.SimpleWorker([queue], connection=queue.connection).work(burst=True)
                return tk.get_action("resource_show")(dict(context), {"id": resource["id"]})

            shown = measured("upload + job (validate + load)", args.rows, load)
            print(f"\nstate: {shown['oit_records']['status']}, rows in DataStore: {shown['oit_records']['row_count']}")
        finally:
            tk.get_action("dataset_purge")(dict(context), {"id": dataset["id"]})
            tk.get_action("organization_purge")(dict(context), {"id": org["id"]})


if __name__ == "__main__":
    main()
