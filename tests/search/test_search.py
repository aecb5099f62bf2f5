"""Dataset search against the real Solr core, with Thai analysis."""
from __future__ import annotations

import pytest
import requests

import ckan
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.oit import search as oit_search
from ckanext.oit import thai_calendar

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

PROCUREMENT_TITLE = "ประกาศผลการจัดซื้อจัดจ้างวัสดุสำนักงาน"


class Disclosures:
    """OIT datasets with the titles a test needs (the portal refuses CKAN's
    generic type): each takes the next month of a monthly item."""

    def __init__(self):
        self.made = 0

    def __call__(self, owner_org: str, title: str, notes: str | None = None) -> dict:
        self.made += 1
        fiscal_year = 2569 - (self.made - 1) // 12
        year, month = thai_calendar.fiscal_year_months(fiscal_year)[(self.made - 1) % 12]
        return factories.Dataset(type="oit-procurement", owner_org=owner_org, title=title, notes=notes,
                                 item_key="procurement-monthly-summary", fiscal_year=str(fiscal_year),
                                 period=f"{year}-{month:02d}")


@pytest.fixture
def disclosure():
    return Disclosures()


def search(q: str) -> list[str]:
    """Names found for ``q``, drafts included (as a sysadmin sees them)."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    result = tk.get_action("package_search")({"user": site_user}, {
        "q": q, "rows": 50, "include_private": True})
    return [d["name"] for d in result["results"]]


def test_dataset_created_through_the_api_is_found(disclosure):
    org = factories.Organization()
    dataset = disclosure(
        owner_org=org["id"], title="Annual budget report", notes="Spending by quarter"
    )
    assert dataset["name"] in search("budget")
    assert dataset["name"] in search("quarter")
    assert search("nonexistentword") == []


@pytest.mark.parametrize("word", ["จัดซื้อ", "วัสดุ", "สำนักงาน", "ประกาศ"])
def test_thai_word_inside_a_title_is_found(word, disclosure):
    org = factories.Organization()
    wanted = disclosure(owner_org=org["id"], title=PROCUREMENT_TITLE)
    other = disclosure(owner_org=org["id"], title="รายงานผลการดำเนินงานประจำปี")
    found = search(word)
    assert wanted["name"] in found
    assert other["name"] not in found


def test_thai_word_inside_the_description_is_found(disclosure):
    org = factories.Organization()
    dataset = disclosure(
        owner_org=org["id"], title="O12", notes="สรุปผลการจัดซื้อจัดจ้างประจำเดือนตุลาคม"
    )
    assert dataset["name"] in search("ประจำเดือน")
    assert search("งบประมาณ") == []


def test_a_title_match_ranks_above_a_description_match(disclosure):
    org = factories.Organization()
    in_notes = disclosure(owner_org=org["id"], title="รายงานประจำปี", notes="มีเรื่องวัสดุสำนักงาน")
    in_title = disclosure(owner_org=org["id"], title=PROCUREMENT_TITLE)
    assert search("วัสดุ")[:2] == [in_title["name"], in_notes["name"]]


@pytest.mark.parametrize(
    ("word", "title"),
    [
        # the Thai tokenizer keeps ปีงบประมาณ and จัดจ้า|ง whole, so these need the bigrams
        ("งบประมาณ", "แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2568"),
        ("จ้าง", "ประกาศผลการจัดจ้างซ่อมแซมอาคารเรียน"),
        ("มะตอย", "ประกาศผลการจัดซื้อยางมะตอยสำเร็จรูป"),
    ],
)
def test_thai_word_inside_a_compound_is_found(word, title, disclosure):
    org = factories.Organization()
    wanted = disclosure(owner_org=org["id"], title=title)
    other = disclosure(owner_org=org["id"], title="ข้อมูลผู้บริหาร")
    found = search(word)
    assert wanted["name"] in found
    assert other["name"] not in found


def test_a_thai_word_is_matched_as_written_not_by_its_pieces(disclosure):
    # วัสดุ's character pairs all stand in "พัสดุประจำวัน", but not in that order
    org = factories.Organization()
    scattered = disclosure(owner_org=org["id"], title="ทะเบียนพัสดุประจำวัน")
    wanted = disclosure(owner_org=org["id"], title="บัญชีวัสดุสำนักงาน")
    assert search("วัสดุ") == [wanted["name"]]
    assert scattered["name"] in search("พัสดุ")


def test_a_form_code_does_not_match_every_text_with_its_number(disclosure):
    org = factories.Organization()
    wanted = disclosure(
        owner_org=org["id"], title="สรุปผลการจัดซื้อจัดจ้าง", notes="แบบ สขร.1 เดือนตุลาคม"
    )
    disclosure(owner_org=org["id"], title="ข้อมูลเชิงสถิติการให้บริการ ไตรมาส 1")
    assert search("สขร.1") == [wanted["name"]]


def test_an_exact_title_match_ranks_first(disclosure):
    org = factories.Organization()
    longer = disclosure(owner_org=org["id"], title="แผนการจัดซื้อจัดจ้างประจำปีงบประมาณ พ.ศ. 2568")
    in_notes = disclosure(
        owner_org=org["id"], title="รายงานผลการดำเนินงาน",
        notes="แผนการจัดซื้อจัดจ้าง แผนการจัดซื้อจัดจ้าง และแผนการจัดซื้อจัดจ้างของหน่วยงาน",
    )
    exact = disclosure(owner_org=org["id"], title="แผนการจัดซื้อจัดจ้าง")
    found = search("แผนการจัดซื้อจัดจ้าง")
    assert found[0] == exact["name"]
    assert set(found) == {exact["name"], longer["name"], in_notes["name"]}


def test_search_sends_the_configured_parser_and_fields():
    sent = oit_search.with_thai_query_fields({"q": "งบประมาณ"})
    assert sent["defType"] == "edismax"
    assert {"title_bg^4", "text_bg", "title_th^4", "text_th"} <= set(sent["qf"].split())
    own = oit_search.with_thai_query_fields({"q": "x", "qf": "title", "defType": "dismax"})
    assert (own["qf"], own["defType"]) == ("title", "dismax")


def analyse(solr_url: str, field_type: str, text: str) -> list[str]:
    response = requests.get(
        f"{solr_url}/analysis/field",
        params={"analysis.fieldtype": field_type, "analysis.fieldvalue": text, "wt": "json"},
        timeout=10,
    )
    response.raise_for_status()
    stages = response.json()["analysis"]["field_types"][field_type]["index"]
    return [t["text"] for t in stages[-1]]


def test_solr_splits_thai_text_into_words(solr_url):
    tokens = analyse(solr_url, "text_th", "การจัดซื้อจัดจ้าง")
    assert len(tokens) > 1
    assert tokens[0] == "การ"


def test_solr_indexes_thai_as_character_bigrams(solr_url):
    assert analyse(solr_url, "text_bg", "ปีงบ  ITA") == ["ปี", "ีง", "งบ", "บ ", " i", "it", "ta"]


def test_solr_select_splits_queries_on_white_space(solr_url):
    # solrconfig.xml: without sow=true edismax ignores autoGeneratePhraseQueries
    response = requests.get(
        f"{solr_url}/config/requestHandler",
        params={"componentName": "/select", "wt": "json"},
        timeout=10,
    )
    response.raise_for_status()
    assert response.json()["config"]["requestHandler"]["/select"]["defaults"]["sow"] == "true"


def test_solr_schema_keeps_ckans_name(solr_url):
    response = requests.get(f"{solr_url}/schema/name", params={"wt": "json"}, timeout=10)
    response.raise_for_status()
    assert response.json()["name"] == "ckan-" + ".".join(ckan.__version__.split(".")[:2])  # ckan-2.11, ckan-2.12
