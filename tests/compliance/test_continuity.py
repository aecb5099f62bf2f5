"""Datasets published under the 2567 item list keep counting where the 2568 list
merged their items: the 2567 procurement plan, announcements and monthly summaries
answer 2568 O12 (the procurement list), on the compliance monitor, the OIT page,
the landing page and the ITAS sheet."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk

from ckanext.oit import frameworks

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

# written as people write them (BE), stored as ISO months (CE)
FIRST_SIX_MONTHS = ["2567-10", "2567-11", "2567-12", "2568-01", "2568-02", "2568-03"]
STORED = ["2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03"]


def published(office, **data) -> dict:
    data.setdefault("fiscal_year", "2568")
    data.setdefault("type", "oit-procurement" if data["item_key"].startswith("procurement") else "oit-organization")
    dataset = office.act("editor", "package_create", owner_org=office.org["id"], resources=[{"name": "ไฟล์", "url": "http://example.go.th/file.pdf"}],
                         **data)
    office.made_ids.append(dataset["id"])
    return office.move(dataset["id"], "published")


@pytest.fixture
def agency_of_2567(office):
    """An agency that published FY 2568 under the 2567 keys (the portal knew no 2568 list then)."""
    published(office, item_key="procurement-plan", title="แผนการจัดซื้อจัดจ้าง 2568")
    published(office, item_key="procurement-announcements", title="ประกาศจัดซื้อจัดจ้าง 2568")
    for month in FIRST_SIX_MONTHS:
        published(office, item_key="procurement-monthly-summary", period=month, title=f"สขร.1 {month}")
    return office


def test_the_2568_list_merges_three_2567_items_into_o12():
    item = frameworks.edition("2568").item_by_code("O12")
    assert item.key == "procurement-list" and item.table == "procurement-list" and item.months == 6
    assert set(item.continues) == {"procurement-plan", "procurement-announcements", "procurement-monthly-summary"}
    assert frameworks.counting_item("procurement-plan", 2568) == item


def test_compliance_counts_the_2567_datasets_for_2568_o12(agency_of_2567):
    office = agency_of_2567
    shown = office.act("admin", "oit_compliance_show", id=office.org["id"], fiscal_year=2568, as_of="2568-09-30")
    assert shown["edition"] == "2568" and shown["provisional"] is False
    o12 = next(i for i in shown["items"] if i["code"] == "O12")
    assert [p["period"] for p in o12["periods"]] == STORED  # the first six months only
    assert {p["status"] for p in o12["periods"]} == {"published"}
    assert {d["item_key"] for p in o12["periods"] for d in p["datasets"]} == {"procurement-monthly-summary"}
    # the plan and the announcements answer no month, and are shown with the item
    assert sorted(d["item_key"] for d in o12["continued"]) == ["procurement-announcements", "procurement-plan"]
    # the ITAS sheet answers "has" for O12
    sheet = office.act("admin", "oit_itas_export", id=office.org["id"], fiscal_year=2568, as_of="2568-09-30")
    assert next(r for r in sheet["rows"] if r["code"] == "O12")["has"] is True


def test_the_oit_page_and_the_landing_page_show_them(agency_of_2567, app):
    office = agency_of_2567
    page = BeautifulSoup(app.get(f"/oit/{office.org['name']}/2568").body, "html.parser")
    row = page.find("tr", attrs={"data-item": "procurement-list"})
    assert "O12" in row.get_text() and "6" in row.get_text()
    continued = row.find(class_="oit-continued")
    assert continued is not None
    assert {a.get_text() for a in continued.find_all("a")} == {"แผนการจัดซื้อจัดจ้าง 2568", "ประกาศจัดซื้อจัดจ้าง 2568"}
    # the address an agency gave the assessors under the 2567 key still answers, with the merged item
    old = app.get(f"/oit/{office.org['name']}/2568/procurement-monthly-summary")
    assert old.status_code == 200 and "O12" in old.body and "สขร.1 2568-01" in old.body
    new = app.get(f"/oit/{office.org['name']}/2568/procurement-list")
    assert new.status_code == 200 and "สขร.1 2567-10" in new.body


def test_a_2567_key_stays_valid_for_2568_but_not_where_nothing_continues_it(office):
    dataset = published(office, item_key="procurement-plan")
    assert dataset["item_key"] == "procurement-plan"
    # 2569 continues the 2568 keys, not the 2567 plan
    with pytest.raises(tk.ValidationError):
        office.act("editor", "package_create", type="oit-procurement", owner_org=office.org["id"],
                   item_key="procurement-plan", fiscal_year="2569")


def test_the_dashboard_shows_the_datasets_of_the_earlier_list_and_of_last_year(agency_of_2567, app):
    from support.web import login

    office = agency_of_2567
    published(office, item_key="news", fiscal_year="2567", title="ข่าวประชาสัมพันธ์ 2567")
    browser = login(app, office.users["admin"])
    page = BeautifulSoup(browser.get(f"/organization/{office.org['name']}/oit-compliance?fiscal_year=2568").body,
                         "html.parser")
    o12 = page.find("tr", attrs={"data-code": "O12"})
    assert "แผนการจัดซื้อจัดจ้าง 2568" in o12.find(class_="oit-continued").get_text()
    news = next(r for r in page.find_all("tr", class_="oit-item") if r.find(class_="oit-last-year"))
    assert "ข่าวประชาสัมพันธ์ 2567" in news.get_text()
    shown = office.act("admin", "oit_compliance_show", id=office.org["id"], fiscal_year=2568)
    assert [d["title"] for i in shown["items"] for d in i["last_year"]] == ["ข่าวประชาสัมพันธ์ 2567"]
