"""Rows per second and peak memory of reading, checking and loading a large
แบบ สขร.1 upload, through CKAN's real job queue, beside a bare PostgreSQL COPY
of the same rows (figures, not a test).

    .venv/bin/python bench/records.py [--rows 2000,20000,200000 | --quick]
                                      [--formats csv,xlsx] [--repeat 1] [--ini ckan.ini]

For each size and format (CSV in Windows-874, XLSX; written once into a temporary
folder, outside any timing) it measures:

  read              the file read row by row (reading.open_table, else reading.read)
  read + check      read and checked (validation.Checker, else validation.check)
  upload-to-loaded  resource_create with the file as upload, then an rq SimpleWorker
                    burst on CKAN's job queue, until the records state is "loaded"
  bare COPY         the same rows, normalised as the loader sends them, into a plain
                    new table of the DataStore write database: one COPY ... FROM STDIN
                    in one transaction (then dropped); the floor the loader is held to

Every measurement is a process of its own (this script again, with --one): a time
run has no tracemalloc (which slows Python four- to sixfold), a memory run has it
and reports two peaks: "traced" is tracemalloc's peak of Python's own allocations,
"RSS+" is how far the process's peak resident size (getrusage ru_maxrss) rose during
the measurement, which also counts C and Rust memory (calamine, psycopg2, the
parsers). Each measurement follows a warm-up on a 20-row file (read, checked and,
for upload-to-loaded, uploaded), as in a worker that has run a job before.

It makes a throw-away organisation and dataset in the portal of ``--ini`` (the
development portal by default) and purges them, their DataStore tables and
uploaded files at the end. If another worker (``make run``'s) takes the job, the
time is still end to end, but the memory is that worker's and is not shown.
"""
from __future__ import annotations

import argparse
import datetime
import gc
import io
import json
import os
import resource as rusage
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

TABLE = "procurement-monthly-summary"
SCHEMA = Path(__file__).resolve().parents[1] / "ckanext" / "oit" / "schemas" / "tables" / f"{TABLE}.json"
SIZES = (2000, 20000, 200000)
QUICK = (2000, 20000)
WARM_ROWS = 20
PHASES = {"read": "read", "check": "read + check", "upload": "upload-to-loaded", "copy": "bare COPY"}
GOAL_CHECK, GOAL_XLSX_READ, GOAL_UPLOAD = 40_000, 40_000, 10_000
MiB = 2 ** 20

# --- the sample -------------------------------------------------------------------------------

METHODS = ["วิธีเฉพาะเจาะจง", "e-market", "วิธีประกาศเชิญชวนทั่วไป (e-bidding)", "เฉพาะเจาะจง", "วิธีคัดเลือก"]
MONTHS = {10: "ต.ค.", 11: "พ.ย.", 12: "ธ.ค."}
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def _sample(n: int, typed: bool) -> dict:
    """Row ``n`` as an office writes it: amounts with separators and "บาท", the
    method as an alias now and then, พ.ศ. dates numeric, named or in Thai digits.
    ``typed`` (XLSX): numbers as numbers, every other date a real date cell."""
    budget = (n % 900 + 1) * 1_250
    price = budget - (n % 7) * 25
    month, day = 10 + n % 3, 1 + n % 28
    if typed and n % 2:
        date = datetime.date(2025, month, day)
    elif n % 3 == 0:
        date = f"{day} {MONTHS[month]} 2568"
    elif n % 7 == 0:
        date = f"{day}/{month}/2568".translate(THAI_DIGITS)
    else:
        date = f"{day}/{month}/2568"
    return {
        "item_number": n,
        "procurement_item": f"จัดซื้อวัสดุสำนักงาน รายการที่ {n}",
        "budget_amount": float(budget) if typed else f"{budget:,.2f}",
        "reference_price": float(budget) if typed else f"{budget:,.2f} บาท",
        "procurement_method": METHODS[n % len(METHODS)],
        "bidders": f"ร้าน ก {price:,.2f} บาท; ร้าน ข {price + 500:,.2f} บาท",
        "selected_supplier": "ร้าน ก",
        "selected_price": float(price) if typed else f"{price:,}",
        "selection_reason": "ราคาต่ำสุด",
        "contract_number": f"{n}/2569",
        "contract_date": date,
    }


def _fields() -> list[dict]:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))["fields"]


def write_csv(path: Path, rows: int) -> None:
    import csv

    fields = _fields()
    with open(path, "w", encoding="cp874", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([f["title"] for f in fields])  # the real headers, in Thai
        for n in range(1, rows + 1):
            row = _sample(n, typed=False)
            writer.writerow([row.get(f["name"], "") for f in fields])


def write_xlsx(path: Path, rows: int) -> None:
    import openpyxl

    fields = _fields()
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("สขร1")
    sheet.append([f["title"] for f in fields])
    for n in range(1, rows + 1):
        row = _sample(n, typed=True)
        sheet.append([row.get(f["name"]) for f in fields])
    book.save(path)


# --- one measurement (a process of its own) ---------------------------------------------------

def _maxrss() -> int:
    return rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


class _Code:
    """The records code as it is in the tree: the streaming reader and checker if
    they are there (issue 16), the whole-table ones of before otherwise."""

    def __init__(self):
        from ckanext.oit.records import reading, replace, tables, validation

        self.reading, self.replace, self.tables, self.validation = reading, replace, tables, validation
        self.schema = tables.get(TABLE)
        self.open_table = getattr(reading, "open_table", None)
        self.checker = getattr(validation, "Checker", None)

    def via(self) -> str:
        return (f"{'reading.open_table' if self.open_table else 'reading.read'} + "
                f"{'validation.Checker' if self.checker and self.open_table else 'validation.check'}")

    def read(self, path: str, filename: str) -> int:
        if self.open_table is not None:
            count = 0
            with self.open_table(path, filename) as table:
                for _ in table.rows:
                    count += 1
            return count
        with open(path, "rb") as f:
            return len(self.reading.read(f.read(), filename).rows)

    def check(self, path: str, filename: str, keep: bool = False) -> tuple[int, list, list]:
        """(rows checked, problems, the normalised rows if ``keep``)."""
        if self.checker is not None and self.open_table is not None:
            return self._check_stream(path, filename, keep)
        with open(path, "rb") as f:
            raw = self.reading.read(f.read(), filename)
        rows, problems = self.validation.check(raw, self.schema)
        return len(rows), problems, rows if keep else []

    def _check_stream(self, path: str, filename: str, keep: bool) -> tuple[int, list, list]:
        # as the loader does: feed each row as it is read, then finish; each hands back
        # the rows now ready (normalised), which the loader copies on and we count
        kept, count = [], 0
        with self.open_table(path, filename) as table:
            checker = self.checker(self.schema, table.headers)
            for number, cells in table.rows:
                ready = checker.feed(number, cells)
                count += len(ready)
                if keep:
                    kept.extend(ready)
            ready = checker.finish()
            count += len(ready)
            if keep:
                kept.extend(ready)
        return count, list(checker.problems), kept


def one(args) -> dict:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(args.ini))
    with app._wsgi_app.test_request_context():
        code = _Code()
        filename = f"bench.{args.format}"
        warm = f"warm.{args.format}"
        # a worker's steady state: its modules imported, its caches filled
        code.check(args.warm, warm)
        code.read(args.warm, warm)
        work, cleanup, notes = _prepare(args, code, filename)
        try:
            gc.collect()
            rss_before = _maxrss()
            if args.mode == "memory":
                import tracemalloc

                tracemalloc.start()
            started = time.perf_counter()
            outcome = work()
            seconds = time.perf_counter() - started
            traced = None
            if args.mode == "memory":
                traced = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            peak = _maxrss()
            rss = peak - rss_before
        finally:
            cleanup()
        if outcome.get("rows") != args.rows:
            raise SystemExit(f"{args.one}: {outcome.get('rows')} rows, not {args.rows}: {outcome}")
        if outcome.get("elsewhere"):
            traced = rss = peak = None
            notes.append("the job ran on another worker: its memory is not this process's")
        return {"seconds": seconds, "traced": traced, "rss": rss if args.mode == "memory" else None,
                "peak": peak if args.mode == "memory" else None,
                "via": code.via(), "notes": notes}


def _prepare(args, code: _Code, filename: str):
    """(the work to measure, its cleanup, notes): what the work needs is made here, untimed."""
    notes: list[str] = []
    if args.one == "read":
        return lambda: {"rows": code.read(args.file, filename)}, lambda: None, notes
    if args.one == "check":
        def check():
            count, problems, _ = code.check(args.file, filename)
            if problems:
                raise SystemExit(f"the sample has problems: {[getattr(p, 'en', p) for p in problems[:3]]}")
            return {"rows": count}
        return check, lambda: None, notes
    if args.one == "copy":
        return _prepare_copy(args, code, filename)
    return _prepare_upload(args, code, filename, notes)


def _prepare_copy(args, code: _Code, filename: str):
    from ckanext.datastore.backend.postgres import get_write_engine

    count, problems, rows = code.check(args.file, filename, keep=True)
    assert not problems and count == args.rows, problems[:3]
    fields = code.tables.datastore_fields(code.schema)
    names = [f["id"] for f in fields]
    text_of = code.replace.copy_text
    data = "".join("\t".join(text_of(row.get(n)) for n in names) + "\n" for row in rows)
    del rows
    table = f"oit_bench_copy_{uuid.uuid4().hex[:12]}"
    columns = ", ".join(f'"{f["id"]}" {f["type"]}' for f in fields)
    connection = get_write_engine().raw_connection()

    def copy():
        cursor = connection.cursor()
        cursor.execute(f'CREATE TABLE "{table}" ({columns})')
        cursor.copy_expert(f'COPY "{table}" ({", ".join(chr(34) + n + chr(34) for n in names)}) FROM STDIN',
                           io.StringIO(data))
        connection.commit()
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        return {"rows": cursor.fetchone()[0]}

    def cleanup():
        connection.rollback()
        cursor = connection.cursor()
        cursor.execute(f'DROP TABLE IF EXISTS "{table}"')
        connection.commit()
        connection.close()

    return copy, cleanup, []


def _prepare_upload(args, code: _Code, filename: str, notes: list[str]):
    import rq
    from werkzeug.datastructures import FileStorage

    import ckan.lib.jobs as jobs
    import ckan.lib.uploader as uploader
    import ckan.plugins.toolkit as tk
    from ckan import model
    from ckanext.oit.records.model import QUEUED, RecordsLoad

    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site["name"], "ignore_auth": True}
    queue = jobs.get_queue()
    made: list[dict] = []

    def upload(path: str, name: str) -> dict:
        with open(path, "rb") as stream:
            made.append(tk.get_action("resource_create")(dict(context), {
                "package_id": dataset["id"], "format": args.format.upper(), "url": "",
                "upload": FileStorage(stream=stream, filename=name)}))
        ran = rq.SimpleWorker([queue], connection=queue.connection).work(burst=True)
        deadline = time.monotonic() + 3600
        while True:  # a worker of the portal's own may have taken the job
            model.Session.expire_all()
            state = model.Session.get(RecordsLoad, made[-1]["id"])
            if state is not None and state.status != QUEUED:
                break
            if time.monotonic() > deadline:
                raise SystemExit("the upload was not processed within an hour")
            time.sleep(0.02)
        if state.status != "loaded":
            raise SystemExit(f"state {state.status}: {json.loads(state.problems or '[]')[:3]}")
        return {"rows": state.row_count, "elsewhere": not ran}

    def cleanup():
        model.Session.rollback()
        for resource in made:
            try:
                tk.get_action("datastore_delete")(dict(context), {"resource_id": resource["id"], "force": True})
            except tk.ObjectNotFound:
                pass
            path = uploader.get_resource_uploader(resource).get_path(resource["id"])
            if os.path.exists(path):
                os.remove(path)
        if dataset:
            tk.get_action("dataset_purge")(dict(context), {"id": dataset["id"]})
        tk.get_action("organization_purge")(dict(context), {"id": org["id"]})

    dataset = None
    org = tk.get_action("organization_create")(dict(context), {"name": f"bench-{uuid.uuid4().hex[:8]}"})
    try:
        dataset = tk.get_action("package_create")(dict(context), {
            "type": "oit-procurement", "owner_org": org["id"], "item_key": TABLE,
            "fiscal_year": "2569", "period": "2025-10"})
        upload(args.warm, f"warm.{args.format}")  # the first job of a process pays for its imports
        if len(queue):
            notes.append(f"{len(queue)} job(s) were waiting on the queue before the upload; the time includes them")
    except BaseException:
        cleanup()
        raise
    return lambda: upload(args.file, filename), cleanup, notes


# --- the whole run ----------------------------------------------------------------------------

def _run(args, phase: str, fmt: str, rows: int, path: Path, warm: Path, mode: str) -> dict | None:
    command = [sys.executable, __file__, "--one", phase, "--format", fmt, "--rows", str(rows),
               "--file", str(path), "--warm", str(warm), "--mode", mode, "--ini", args.ini]
    print(f"  {fmt:<5}{rows:>9,}  {PHASES[phase]:<17}({mode}) …", end="", file=sys.stderr, flush=True)
    done = subprocess.run(command, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not lines:
        print(" failed", file=sys.stderr)
        print("\n".join((done.stderr or done.stdout).splitlines()[-15:]), file=sys.stderr)
        return None
    result = json.loads(lines[-1][len("RESULT "):])
    print(f" {result['seconds']:.2f} s", file=sys.stderr)
    return result


def _mib(value) -> str:
    return "—" if value is None else f"{value / MiB:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default=",".join(map(str, SIZES)), help="sizes, e.g. 2000,20000")
    parser.add_argument("--quick", action="store_true", help="2,000 and 20,000 rows only")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--repeat", type=int, default=1, help="time runs per measurement (the fastest is kept)")
    parser.add_argument("--ini", default="ckan.ini")
    # one measurement, in a process of its own (used by the run itself)
    parser.add_argument("--one", choices=list(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--warm", help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=["time", "memory"], default="time", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.ini = os.path.abspath(args.ini)

    if args.one:
        args.rows = int(args.rows)
        print("RESULT " + json.dumps(one(args)))
        return

    sizes = list(QUICK) if args.quick else [int(n) for n in args.rows.split(",")]
    formats = [f for f in args.formats.split(",") if f]
    results: dict[tuple, dict | None] = {}
    with tempfile.TemporaryDirectory(prefix="oit-bench-records-") as folder:
        folder = Path(folder)
        writers = {"csv": write_csv, "xlsx": write_xlsx}
        warm = {}
        for fmt in formats:
            warm[fmt] = folder / f"warm.{fmt}"
            writers[fmt](warm[fmt], WARM_ROWS)
        files = {}
        for rows in sizes:
            for fmt in formats:
                files[fmt, rows] = folder / f"{rows}.{fmt}"
                writers[fmt](files[fmt, rows], rows)
        print("แบบ สขร.1 sample files: " + ", ".join(
            f"{rows:,} rows {fmt.upper()} {files[fmt, rows].stat().st_size / MiB:.1f} MiB"
            for rows in sizes for fmt in formats) + " (CSV in Windows-874)", file=sys.stderr)
        for rows in sizes:
            for fmt in formats:
                for phase in ("read", "check", "upload"):
                    timed = [_run(args, phase, fmt, rows, files[fmt, rows], warm[fmt], "time")
                             for _ in range(max(1, args.repeat))]
                    timed = [t for t in timed if t]
                    results[fmt, rows, phase, "time"] = min(timed, key=lambda t: t["seconds"]) if timed else None
                    results[fmt, rows, phase, "memory"] = _run(
                        args, phase, fmt, rows, files[fmt, rows], warm[fmt], "memory")
            # the same rows whatever the format: copied once per size
            timed = [_run(args, "copy", formats[0], rows, files[formats[0], rows], warm[formats[0]], "time")
                     for _ in range(max(1, args.repeat))]
            timed = [t for t in timed if t]
            results["any", rows, "copy", "time"] = min(timed, key=lambda t: t["seconds"]) if timed else None

    report(results, sizes, formats, args)


def report(results: dict, sizes: list[int], formats: list[str], args) -> None:
    via = next((r["via"] for r in results.values() if r), "?")
    print(f"\nแบบ สขร.1 ({TABLE}), code measured: {via}; time runs without tracemalloc"
          f"{f', fastest of {args.repeat}' if args.repeat > 1 else ''}, memory runs apart\n")
    print(f"{'format':<8}{'rows':>9}  {'phase':<18}{'seconds':>9}{'rows/s':>11}"
          f"{'traced MiB':>12}{'RSS+ MiB':>10}{'RSS MiB':>9}")

    def rate(fmt, rows, phase):
        timed = results.get((fmt, rows, phase, "time"))
        return rows / timed["seconds"] if timed else None

    notes = []
    for rows in sizes:
        for fmt in formats + ["any"]:
            for phase in ("read", "check", "upload", "copy"):
                if (fmt, rows, phase, "time") not in results:
                    continue
                timed = results[fmt, rows, phase, "time"]
                memory = results.get((fmt, rows, phase, "memory"))
                label = "csv+xlsx" if fmt == "any" else fmt
                if timed is None:
                    print(f"{label:<8}{rows:>9,}  {PHASES[phase]:<18}{'failed':>9}")
                    continue
                print(f"{label:<8}{rows:>9,}  {PHASES[phase]:<18}{timed['seconds']:>9.3f}"
                      f"{rows / timed['seconds']:>11,.0f}{_mib(memory and memory['traced']):>12}"
                      f"{_mib(memory and memory['rss']):>10}{_mib(memory and memory.get('peak')):>9}")
                for note in timed["notes"] + (memory["notes"] if memory else []):
                    notes.append(f"{fmt} {rows:,} {PHASES[phase]}: {note}")
    print("\ntraced MiB: tracemalloc's peak of Python allocations; RSS+ MiB: rise of the process's "
          "peak resident size (ru_maxrss), C and Rust memory included; RSS MiB: that peak, the whole "
          "process (CKAN loaded); each in a run of its own")
    for note in dict.fromkeys(notes):
        print(f"note: {note}")

    print()
    for rows in sizes:
        copy = results.get(("any", rows, "copy", "time"))
        for fmt in formats:
            upload = results.get((fmt, rows, "upload", "time"))
            if copy and upload:
                print(f"upload-to-loaded / bare COPY, {fmt.upper()} {rows:,} rows: "
                      f"{upload['seconds'] / copy['seconds']:.1f}× the time "
                      f"({upload['seconds']:.3f} s against {copy['seconds']:.3f} s)")

    def verdict(ok):
        return "met" if ok else "not met"

    def figures(fmt, phase, at):
        found = {rows: rate(fmt, rows, phase) for rows in at if rate(fmt, rows, phase) is not None}
        return found, ", ".join(f"{rows:,} rows {value:,.0f} rows/s" for rows, value in found.items())

    print("\ngoals (figures, not asserted):")
    big = [rows for rows in sizes if rows >= 20000]  # 2,000 rows are mostly fixed costs
    for fmt, phase, goal, what in (("csv", "check", GOAL_CHECK, "checking (CSV read + check, one process)"),
                                   ("xlsx", "read", GOAL_XLSX_READ, "XLSX read")):
        found, said = figures(fmt, phase, big)
        print(f"  {what} ≥ {goal:,} rows/s: " + (f"{said}: {verdict(min(found.values()) >= goal)}"
                                                 if found else "not measured (needs 20,000 rows or more)"))
    for fmt in formats:
        found, said = figures(fmt, "upload", [20000])
        print(f"  upload-to-loaded, 20,000 rows {fmt.upper()}, ≥ {GOAL_UPLOAD:,} rows/s through the job queue: "
              + (f"{said}: {verdict(found[20000] >= GOAL_UPLOAD)}" if found else "not measured"))
    for fmt in formats:
        small, large = results.get((fmt, 20000, "upload", "memory")), results.get((fmt, 200000, "upload", "memory"))
        if not (small and large):
            print(f"  peak memory of upload-to-loaded, 200,000 rows {fmt.upper()} < 2× that of 20,000: "
                  "not measured (needs 20,000 and 200,000 rows)")
            continue
        for key, name in (("traced", "traced"), ("rss", "RSS+"), ("peak", "whole process RSS")):
            if small.get(key) is None or large.get(key) is None:
                print(f"  peak memory ({name}), {fmt.upper()}: not measured (the job ran on another worker)")
                continue
            ratio = large[key] / small[key] if small[key] else float("inf")
            print(f"  peak memory ({name}) of upload-to-loaded, 200,000 rows {fmt.upper()} < 2× that of 20,000: "
                  f"{_mib(large[key])} MiB against {_mib(small[key])} MiB, {ratio:.1f}×: {verdict(ratio < 2)}")


if __name__ == "__main__":
    main()
