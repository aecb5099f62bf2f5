"""Latency and Solr query count of the compliance monitor on a synthetic
national portal, beside a naive one-query-per-item baseline (figures, not a test).

    .venv/bin/python bench/compliance.py [--orgs 250] [--ini ckan.ini]

It indexes synthetic datasets (every item of the FY 2569 edition, most periods
published) for ``--orgs`` organisations straight into the portal's Solr core,
measures, and deletes them again.
"""
from __future__ import annotations

import argparse
import datetime
import random
import statistics
import time
import uuid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=250)
    parser.add_argument("--ini", default="ckan.ini")
    parser.add_argument("--sample", type=int, default=50, help="organisations timed one by one")
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(args.ini))
    with app._wsgi_app.test_request_context():
        import pysolr

        import ckan.plugins.toolkit as tk
        from ckan.lib.search.common import make_connection
        from ckanext.oit import frameworks
        from ckanext.oit.compliance import monitor
        from ckanext.oit.compliance.due import expected

        fiscal_year, as_of = 2569, datetime.date(2026, 3, 15)
        edition = frameworks.edition_for(fiscal_year)
        site_id = tk.config.get("ckan.site_id")
        rng = random.Random(2569)
        docs = []
        for n in range(args.orgs):
            org = f"bench-org-{n:04d}"
            for item in edition.items:
                for wanted in expected(item, fiscal_year):
                    if wanted.due > as_of or rng.random() < 0.2:
                        continue  # not due yet, or one in five missing
                    ident = str(uuid.uuid4())
                    fields = {"item_key": item.key, "fiscal_year": str(wanted.fiscal_year),
                              "period": wanted.period, "oit_status": "published"}
                    doc = {"id": ident, "index_id": ident, "site_id": site_id, "name": f"b-{ident}",
                           "title": item.name_th, "owner_org": org, "dataset_type": item.dataset_type,
                           "entity_type": "package", "state": "active", "capacity": "public",
                           "permission_labels": ["public"], "metadata_created": "2026-01-01T00:00:00Z",
                           "metadata_modified": "2026-01-01T00:00:00Z"}
                    doc.update(fields)
                    doc.update({f"extras_{k}": v for k, v in fields.items()})
                    docs.append(doc)
        solr = make_connection()
        for start in range(0, len(docs), 5000):
            solr.add(docs[start:start + 5000], commit=False)
        solr.commit()
        print(f"{args.orgs} organisations × {len(edition.items)} items (edition {edition.edition}): "
              f"{len(docs):,} published datasets indexed\n")

        queries = {"n": 0}
        original = pysolr.Solr.search

        def counted(self, *a, **kw):
            queries["n"] += 1
            return original(self, *a, **kw)

        pysolr.Solr.search = counted
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        context = {"user": site["name"], "ignore_auth": True}
        sample = [f"bench-org-{n:04d}" for n in rng.sample(range(args.orgs), min(args.sample, args.orgs))]

        def measure(label, run):
            times, counts = [], []
            for org in sample:
                queries["n"] = 0
                started = time.perf_counter()
                run(org)
                times.append((time.perf_counter() - started) * 1000)
                counts.append(queries["n"])
            q = statistics.quantiles(times, n=20)
            print(f"{label:<42}p50 {statistics.median(times):8.1f} ms   p95 {q[18]:8.1f} ms   "
                  f"Solr queries {statistics.mean(counts):6.1f}")
            return statistics.median(times), statistics.mean(counts)

        def ours(org):
            monitor.show(context, {"id": org, "name": org}, fiscal_year, as_of)

        def naive(org):  # one package_search per item of the edition
            for item in edition.items:
                tk.get_action("package_search")(dict(context), {
                    "fq": f'owner_org:"{org}" AND item_key:"{item.key}"', "include_private": True, "rows": 100,
                    "fl": ["id", "name", "extras_period", "extras_oit_status"]})

        try:
            mine = measure("oit_compliance_show (one organisation)", ours)
            base = measure("naive baseline (one query per item)", naive)
            print(f"\nratio naive/ours: latency {base[0] / mine[0]:.1f}×, queries {base[1] / mine[1]:.0f}×")
            queries["n"] = 0
            started = time.perf_counter()
            for n in range(args.orgs):
                ours(f"bench-org-{n:04d}")
            elapsed = time.perf_counter() - started
            print(f"roll-up of {args.orgs} organisations: {elapsed:.2f} s, {queries['n']} Solr queries "
                  f"(one per organisation, whatever the number of items)")
        finally:
            pysolr.Solr.search = original
            solr.delete(q=f'+site_id:"{site_id}" +owner_org:bench-org-*')
            solr.commit()


if __name__ == "__main__":
    main()
