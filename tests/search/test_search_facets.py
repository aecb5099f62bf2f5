"""Facets by OIT category, item and fiscal year: API and search page."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def disclosures():
    sysadmin = factories.Sysadmin()
    org = factories.Organization()
    context = {"user": sysadmin["name"]}
    create = tk.get_action("package_create")
    made = [
        create(context, {"type": "oit-procurement", "owner_org": org["id"], "private": False,
                         "item_key": "procurement-monthly-summary", "fiscal_year": "2569", "period": month})
        for month in ("ต.ค. 2568", "พ.ย. 2568")
    ]
    made.append(create(context, {"type": "oit-hr", "owner_org": org["id"], "private": False,
                                 "item_key": "hr-policy", "fiscal_year": "2568"}))
    approver = {"user": factories.Sysadmin()["name"]}  # four eyes: not the one who made them
    for dataset in made:  # public only once approved
        tk.get_action("oit_submit")(dict(context), {"id": dataset["id"]})
        tk.get_action("oit_approve")(dict(approver), {"id": dataset["id"]})
    return [tk.get_action("package_show")({}, {"id": d["id"]}) for d in made]


def test_package_search_facets_on_category_item_and_fiscal_year(disclosures):
    result = tk.get_action("package_search")({}, {
        "q": "", "facet.field": json.dumps(["oit_category", "item_key", "fiscal_year", "oit_code"])})
    facets = result["facets"]
    assert facets["fiscal_year"] == {"2569": 2, "2568": 1}
    assert facets["item_key"] == {"procurement-monthly-summary": 2, "hr-policy": 1}
    assert sum(facets["oit_category"].values()) == 3
    assert facets["oit_code"]["O11"] == 2  # the 2569 edition's code for the monthly summary
    labels = {i["name"]: i["display_name"] for i in result["search_facets"]["item_key"]["items"]}
    assert labels["procurement-monthly-summary"].startswith("สรุปผลการจัดซื้อจัดจ้าง")


def test_package_search_filters_on_the_oit_fields(disclosures):
    search = tk.get_action("package_search")
    assert search({}, {"fq": "fiscal_year:2568"})["count"] == 1
    assert search({}, {"fq": 'item_key:"procurement-monthly-summary" AND period:"2025-11"'})["count"] == 1


def test_the_search_page_shows_the_facets_and_filters_by_them(app, disclosures):
    page = BeautifulSoup(app.get("/dataset/").body, "html.parser")
    headings = [h.get_text(" ", strip=True) for h in page.select("section.module-narrow h2, .module-heading")]
    text = " ".join(headings)
    assert "ปีงบประมาณ" in text and "รายการ OIT" in text and "หมวดข้อมูล OIT" in text
    links = [a["href"] for a in page.select("a[href*='fiscal_year=2569']")]
    assert links

    filtered = BeautifulSoup(app.get("/dataset/", query_string={"fiscal_year": "2569"}).body, "html.parser")
    found = sorted(a["href"].rsplit("/", 1)[-1] for a in filtered.select(".dataset-heading a"))
    assert found == sorted(d["name"] for d in disclosures if d["fiscal_year"] == "2569")


def test_the_english_search_page_has_english_facet_titles(app, disclosures):
    page = app.get("/en/dataset/").body
    assert "Fiscal year" in page and "OIT item" in page
