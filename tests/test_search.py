"""Dataset search against the real Solr core, with Thai analysis."""
from __future__ import annotations

import pytest
import requests

import ckan.plugins.toolkit as tk
from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

PROCUREMENT_TITLE = "ประกาศผลการจัดซื้อจัดจ้างวัสดุสำนักงาน"


def search(q: str) -> list[str]:
    result = tk.get_action("package_search")({"ignore_auth": True}, {"q": q, "rows": 50})
    return [d["name"] for d in result["results"]]


def test_dataset_created_through_the_api_is_found():
    org = factories.Organization()
    dataset = factories.Dataset(
        owner_org=org["id"], title="Annual budget report", notes="Spending by quarter"
    )
    assert dataset["name"] in search("budget")
    assert dataset["name"] in search("quarter")
    assert search("nonexistentword") == []


@pytest.mark.parametrize("word", ["จัดซื้อ", "วัสดุ", "สำนักงาน", "ประกาศ"])
def test_thai_word_inside_a_title_is_found(word):
    org = factories.Organization()
    wanted = factories.Dataset(owner_org=org["id"], title=PROCUREMENT_TITLE)
    other = factories.Dataset(owner_org=org["id"], title="รายงานผลการดำเนินงานประจำปี")
    found = search(word)
    assert wanted["name"] in found
    assert other["name"] not in found


def test_thai_word_inside_the_description_is_found():
    org = factories.Organization()
    dataset = factories.Dataset(
        owner_org=org["id"], title="O12", notes="สรุปผลการจัดซื้อจัดจ้างประจำเดือนตุลาคม"
    )
    assert dataset["name"] in search("ประจำเดือน")
    assert search("งบประมาณ") == []


def test_a_title_match_ranks_above_a_description_match():
    org = factories.Organization()
    in_notes = factories.Dataset(owner_org=org["id"], title="รายงานประจำปี", notes="มีเรื่องวัสดุสำนักงาน")
    in_title = factories.Dataset(owner_org=org["id"], title=PROCUREMENT_TITLE)
    assert search("วัสดุ")[:2] == [in_title["name"], in_notes["name"]]


def test_solr_splits_thai_text_into_words(solr_url):
    response = requests.get(
        f"{solr_url}/analysis/field",
        params={"analysis.fieldtype": "text_th", "analysis.fieldvalue": "การจัดซื้อจัดจ้าง", "wt": "json"},
        timeout=10,
    )
    response.raise_for_status()
    stages = response.json()["analysis"]["field_types"]["text_th"]["index"]
    tokens = [t["text"] for t in stages[-1]]
    assert len(tokens) > 1
    assert tokens[0] == "การ"


def test_solr_schema_keeps_ckans_name(solr_url):
    response = requests.get(f"{solr_url}/schema/name", params={"wt": "json"}, timeout=10)
    response.raise_for_status()
    assert response.json()["name"] == "ckan-2.11"
