"""How many single-word Thai queries find their dataset: CKAN's stock Solr
schema against ours (Thai tokenizer), side by side.

The same titles go into two cores of the running Solr (`make setup` starts it):
``ckan-stock`` (CKAN's schema as shipped) and ``ckan-bench`` (our generated
schema). Each query is a word that stands inside one or more titles; a title
counts as found when it is in the first 10 results. Queries are sent with the
parameters CKAN's package_search sends (dismax, mm, q.op=AND), with CKAN's
default query fields on the stock core and ``ckanext.oit.search.qf`` on ours.

    .venv/bin/python bench/solr_thai_recall.py [--solr URL] [--repeat N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import requests
import yaml

from ckan.lib.search.query import QUERY_FIELDS

REPO = Path(__file__).resolve().parents[1]
SITE_ID = "oit-bench"

# Titles as agencies write them; each query word stands inside its title.
TITLES = [
    "ประกาศผลการจัดซื้อจัดจ้างวัสดุสำนักงาน",
    "สรุปผลการจัดซื้อจัดจ้างประจำเดือนตุลาคม",
    "แผนการจัดซื้อจัดจ้างประจำปีงบประมาณ",
    "รายงานผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุประจำปี",
    "แผนการใช้จ่ายงบประมาณประจำปี",
    "รายงานการกำกับติดตามการใช้จ่ายงบประมาณรอบหกเดือน",
    "รายงานผลการใช้จ่ายงบประมาณประจำปี",
    "โครงสร้างหน่วยงาน",
    "ข้อมูลผู้บริหาร",
    "อำนาจหน้าที่ของหน่วยงาน",
    "แผนยุทธศาสตร์หรือแผนพัฒนาหน่วยงาน",
    "ข้อมูลการติดต่อ",
    "กฎหมายที่เกี่ยวข้อง",
    "ข่าวประชาสัมพันธ์",
    "ช่องทางการถามตอบ",
    "แผนดำเนินงานประจำปี",
    "รายงานการกำกับติดตามการดำเนินงานรอบหกเดือน",
    "รายงานผลการดำเนินงานประจำปี",
    "คู่มือหรือมาตรฐานการปฏิบัติงาน",
    "คู่มือหรือมาตรฐานการให้บริการ",
    "ข้อมูลเชิงสถิติการให้บริการ",
    "รายงานผลการสำรวจความพึงพอใจการให้บริการ",
    "นโยบายการบริหารทรัพยากรบุคคล",
    "การดำเนินการตามนโยบายการบริหารทรัพยากรบุคคล",
    "หลักเกณฑ์การบริหารและพัฒนาทรัพยากรบุคคล",
    "รายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปี",
    "แนวปฏิบัติการจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
    "ช่องทางแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
    "ข้อมูลเชิงสถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
    "ช่องทางการรับฟังความคิดเห็น",
    "การเปิดโอกาสให้เกิดการมีส่วนร่วม",
    "เจตจำนงสุจริตของผู้บริหาร",
    "การมีส่วนร่วมของผู้บริหาร",
    "การประเมินความเสี่ยงการทุจริตประจำปี",
    "การดำเนินการเพื่อจัดการความเสี่ยงการทุจริต",
    "การเสริมสร้างวัฒนธรรมองค์กร",
    "แผนปฏิบัติการป้องกันการทุจริต",
    "รายงานการกำกับติดตามการดำเนินการป้องกันการทุจริตรอบหกเดือน",
    "รายงานผลการดำเนินการป้องกันการทุจริตประจำปี",
    "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
    "การดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส",
    "นโยบายคุ้มครองข้อมูลส่วนบุคคล",
]

QUERIES = [
    "จัดซื้อ", "จัดจ้าง", "วัสดุ", "สำนักงาน", "ประจำเดือน", "ตุลาคม", "พัสดุ",
    "งบประมาณ", "ใช้จ่าย", "กำกับติดตาม", "โครงสร้าง", "ผู้บริหาร", "อำนาจหน้าที่",
    "ยุทธศาสตร์", "ติดต่อ", "กฎหมาย", "ประชาสัมพันธ์", "ถามตอบ", "ดำเนินงาน", "คู่มือ",
    "มาตรฐาน", "ให้บริการ", "สถิติ", "ความพึงพอใจ", "ทรัพยากรบุคคล", "หลักเกณฑ์",
    "ร้องเรียน", "ทุจริต", "ประพฤติมิชอบ", "ความคิดเห็น", "มีส่วนร่วม", "เจตจำนง",
    "สุจริต", "ความเสี่ยง", "วัฒนธรรม", "องค์กร", "ป้องกัน", "คุณธรรม", "ความโปร่งใส",
    "คุ้มครอง", "ส่วนบุคคล", "แนวปฏิบัติ", "นโยบาย", "รายงาน", "แผน",
]


def oit_query_fields() -> str:
    declaration = yaml.safe_load((REPO / "ckanext/oit/config_declaration.yaml").read_text())
    for group in declaration["groups"]:
        for option in group["options"]:
            if option["key"] == "ckanext.oit.search.qf":
                return option["default"]
    raise SystemExit("ckanext.oit.search.qf is not declared")


def documents() -> list[dict]:
    # The fields CKAN's indexer fills for a dataset that has only a title.
    return [
        {
            "id": f"bench-{i}", "index_id": f"bench-{i}", "site_id": SITE_ID,
            "name": f"bench-{i}", "title": title, "text": [], "entity_type": "package",
            "dataset_type": "dataset", "state": "active", "capacity": "public",
            "metadata_created": "2026-01-01T00:00:00Z", "metadata_modified": "2026-01-01T00:00:00Z",
        }
        for i, title in enumerate(TITLES)
    ]


def load(core_url: str) -> None:
    post = requests.post(f"{core_url}/update", params={"commit": "true"}, timeout=30,
                         json={"delete": {"query": f"site_id:{SITE_ID}"}})
    post.raise_for_status()
    post = requests.post(f"{core_url}/update", params={"commit": "true"}, json=documents(), timeout=30)
    post.raise_for_status()


def search(core_url: str, q: str, qf: str) -> tuple[list[str], float]:
    params = {
        "q": q, "qf": qf, "defType": "dismax", "mm": "2<-1 5<80%", "tie": "0.1",
        "q.op": "AND", "df": "text", "fq": f"+site_id:{SITE_ID}", "rows": 10, "fl": "name",
        "wt": "json",
    }
    started = time.perf_counter()
    response = requests.get(f"{core_url}/select", params=params, timeout=30)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return [d["name"] for d in response.json()["response"]["docs"]], elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    port = os.environ.get("OIT_SOLR_PORT", "8986")
    parser.add_argument("--solr", default=f"http://127.0.0.1:{port}/solr")
    parser.add_argument("--repeat", type=int, default=5, help="query rounds for the latency figure")
    args = parser.parse_args()

    variants = [
        ("CKAN stock schema", f"{args.solr}/ckan-stock", QUERY_FIELDS),
        ("ckanext-oit schema", f"{args.solr}/ckan-bench", oit_query_fields()),
    ]
    relevant = {q: {f"bench-{i}" for i, t in enumerate(TITLES) if q in t} for q in QUERIES}
    assert all(relevant.values()), [q for q, r in relevant.items() if not r]

    rows = []
    for label, core, qf in variants:
        load(core)
        found_any = 0
        recall = []
        latencies = []
        for _ in range(args.repeat):
            for q in QUERIES:
                names, elapsed = search(core, q, qf)
                latencies.append(elapsed)
        for q in QUERIES:
            names, _ = search(core, q, qf)
            hits = relevant[q] & set(names)
            found_any += bool(hits)
            recall.append(len(hits) / min(len(relevant[q]), 10))
        rows.append((label, found_any, statistics.mean(recall), statistics.median(latencies) * 1000))
        requests.post(f"{core}/update", params={"commit": "true"}, timeout=30,
                      json={"delete": {"query": f"site_id:{SITE_ID}"}}).raise_for_status()

    print(f"{len(TITLES)} Thai titles, {len(QUERIES)} single-word queries (a word inside a title)\n")
    print(f"{'variant':<22}{'queries that find':>20}{'recall@10':>12}{'median ms':>12}")
    for label, found_any, recall, ms in rows:
        print(f"{label:<22}{f'{found_any}/{len(QUERIES)}':>20}{recall:>12.3f}{ms:>12.2f}")
    base, ours = rows
    ratio = (ours[2] / base[2]) if base[2] else float("inf")
    print(f"\nrecall@10 ours/stock: {'inf' if ratio == float('inf') else f'{ratio:.2f}'}"
          f"   latency ours/stock: {ours[3] / base[3]:.2f}")


if __name__ == "__main__":
    main()
