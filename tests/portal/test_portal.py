"""The public portal: the organisation's OIT page, the home page, facets with
Thai labels and record previews, through CKAN's test client."""
from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk

from ckanext.oit import thai_calendar
from ckanext.oit.portal import oit_page
from support.portal import procurement

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")

def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.body, "html.parser")


@pytest.fixture
def published(office):
    return {"october": procurement(office, "2025-10", "published", records=True),
            "november": procurement(office, "2025-11", "draft"),
            "december": procurement(office, "2025-12", "pending")}


# --- the organisation's OIT page ---------------------------------------------------

def in_category_order(edition: dict) -> list[dict]:
    """The edition's items grouped by category (in the categories' order), each
    group in the edition's order: how the OIT page lists them."""
    order = {c["code"]: n for n, c in enumerate(edition["categories"])}
    return sorted(edition["items"], key=lambda i: order.get(i["category"], len(order)))


def _rows(page: BeautifulSoup) -> list:
    return page.select("tr.oit-page-item")


def test_the_oit_page_lists_every_item_in_order_with_working_links(app, office, published):
    org = office.org["name"]
    page = soup(app.get(f"/oit/{org}/2569"))
    edition = tk.get_action("oit_framework_show")({}, {"fiscal_year": 2569})
    rows = _rows(page)
    assert [r["data-item"] for r in rows] == [i["key"] for i in in_category_order(edition)]
    assert [r.th.get_text(strip=True) for r in rows] == [i["code"] for i in in_category_order(edition)]
    headings = [h.get_text(" ", strip=True) for h in page.select("section.oit-category h2")]
    assert [h.split()[0] for h in headings] == [c["code"] for c in edition["categories"]]
    for row in rows:
        href = row.select_one("a.oit-landing")["href"]
        assert href.endswith(f"/oit/{org}/2569/{row['data-item']}")
        assert app.get(href).status_code == 200, href


def test_only_published_datasets_count_for_the_public(app, office, published):
    org = office.org["name"]
    for user in (None, office.users["editor"]["name"]):  # the page is the public's, whoever looks
        headers = {"Authorization": tk.get_action("api_token_create")(
            {"ignore_auth": True, "user": user}, {"user": user, "name": "t"})["token"]} if user else {}
        page = soup(app.get(f"/oit/{org}/2569", headers=headers))
        monthly = page.select_one("tr[data-item=procurement-monthly-summary]").get_text(" ", strip=True)
        assert "เผยแพร่แล้ว 1 จาก 12 ช่วง" in monthly, monthly
        assert "เดือนตุลาคม 2568" in monthly
        assert "เดือนพฤศจิกายน 2568" not in monthly and "เดือนธันวาคม 2568" not in monthly
        months = "|".join(thai_calendar.MONTHS_TH)
        assert re.search(rf"เผยแพร่เมื่อ \d{{1,2}} ({months}) 25\d\d", monthly), monthly  # the approval date, พ.ศ.
        # a current-year plan of the 2569 list (records, as the 2567 procurement plan was) with nothing
        plan = page.select_one("tr[data-item=operation-budget-plan-progress]").get_text(" ", strip=True)
        assert "ยังไม่เผยแพร่" in plan
        assert page.select_one(".oit-page-score").get_text(strip=True) == "1"


def test_the_current_fiscal_year_by_default_and_a_switcher(app, office, published):
    org = office.org["name"]
    current = oit_page.current_fiscal_year()
    page = soup(app.get(f"/oit/{org}"))
    switcher = page.select_one("nav.oit-fiscal-years")
    assert switcher["aria-label"] == "เลือกปีงบประมาณ"
    years = [a.get_text(strip=True) for a in switcher.select("a")]
    assert str(current) in years and "2569" in years and "2565" in years
    assert years == sorted(years, reverse=True)
    assert switcher.select_one("a[aria-current=page]").get_text(strip=True) == str(current)
    edition = tk.get_action("oit_framework_show")({}, {"fiscal_year": current})
    assert [r["data-item"] for r in _rows(page)] == [i["key"] for i in in_category_order(edition)]

    link = next(a["href"] for a in switcher.select("a") if a.get_text(strip=True) == "2565")
    older = soup(app.get(link))
    edition_2565 = tk.get_action("oit_framework_show")({}, {"fiscal_year": 2565})
    assert [r.th.get_text(strip=True) for r in _rows(older)] == [i["code"] for i in in_category_order(edition_2565)]
    assert "ปีงบประมาณ พ.ศ. 2565" in older.get_text()

    assert app.get("/oit/no-such-agency").status_code == 404
    assert app.get(f"/oit/{org}/2026").status_code == 404  # a CE year is not a fiscal year
    assert app.get(f"/oit/{office.other_org['name']}/2569").status_code == 200


def test_the_print_view_has_no_navigation_and_writes_out_every_link(app, office, published):
    org = office.org["name"]
    for url in (f"/oit/{org}/2569/print", f"/oit/{org}/2569?print=1"):
        page = soup(app.get(url))
        assert not page.select("header, nav, footer, .masthead"), url
        assert any("@media print" in style.get_text() for style in page.select("style"))
        rows = _rows(page)
        assert len(rows) == len(tk.get_action("oit_framework_show")({}, {"fiscal_year": 2569})["items"])
        for row in rows:
            shown = row.select_one("a.oit-landing").get_text(strip=True)
            assert shown.startswith("http") and shown.endswith(f"/oit/{org}/2569/{row['data-item']}")
        assert "เดือนตุลาคม 2568" in page.select_one("tr[data-item=procurement-monthly-summary]").get_text()
    normal = soup(app.get(f"/oit/{org}/2569"))
    assert normal.select_one("#oit-page-print")["href"].endswith(f"/oit/{org}/2569/print")


def test_the_oit_page_in_english(app, office, published):
    page = soup(app.get(f"/en/oit/{office.org['name']}/2569"))
    text = page.get_text(" ", strip=True)
    edition = tk.get_action("oit_framework_show")({}, {"fiscal_year": 2569})
    assert "Open information (OIT)" in text
    assert [a.get_text(strip=True) for a in page.select("a.oit-landing")] == [
        i["name"]["en"] for i in in_category_order(edition)]
    assert "Not published yet" in text and "ยังไม่เผยแพร่" not in text
    assert "October 2025" in page.select_one("tr[data-item=procurement-monthly-summary]").get_text(" ")
    assert page.select_one("a.oit-landing")["href"].startswith("/en/oit/")


def test_the_organisation_page_links_to_its_oit_page(app, office):
    page = soup(app.get(f"/organization/{office.org['name']}"))
    assert page.select_one(f"a[href='/oit/{office.org['name']}']").get_text(strip=True) == "หน้า OIT"
    headings = [h.get_text(" ", strip=True) for h in page.select(".module-heading")]
    assert headings[:5] == ["หมวดข้อมูล OIT", "รายการ OIT", "ปีงบประมาณ", "หน่วยงาน", "รูปแบบไฟล์"]
    assert "กลุ่ม" not in headings  # OIT disclosures are not put in groups



# the channel items of the 2567 list (channels from itas-channels.yaml) and of the 2569 list
# (the items' own `channel:`); no e-service address is set, so the e-service items link nowhere
@pytest.mark.parametrize("fiscal_year, channel_items", [
    (2567, {"qa-channel", "complaint-channel", "participation"}),
    (2569, {"contact-and-questions", "complaint-channel", "participation"}),
])
def test_the_channel_items_point_at_the_portals_own_channels(app, office, fiscal_year, channel_items):
    """Q&A, complaints and participation are pages of this portal (issue 8), and the
    organisation page, the OIT page and the items' landing pages lead to them."""
    org = office.org["name"]
    expected = {f"/oit/{org}/questions", f"/oit/{org}/feedback", f"/oit/{org}/complaints/new"}
    org_page = soup(app.get(f"/organization/{org}"))
    assert expected <= {a["href"] for a in org_page.select("a[href]")}
    oit = soup(app.get(f"/oit/{org}/{fiscal_year}"))
    linked = {row["data-item"]: row.select_one("a.oit-channel")["href"]
              for row in _rows(oit) if row.select_one("a.oit-channel")}
    assert set(linked) == channel_items
    assert set(linked.values()) == expected
    for item_key, href in linked.items():
        assert app.get(href).status_code == 200, href
        landing = soup(app.get(f"/oit/{org}/{fiscal_year}/{item_key}"))
        assert landing.select_one("p.oit-channel a")["href"] == href

def test_the_oit_page_of_the_demo_agency_lists_every_item_with_working_links(app, cli):
    from ckan.cli.cli import ckan as ckan_command
    from ckanext.oit_demo import agency as demo

    assert cli.invoke(ckan_command, ["oit-demo"]).exit_code == 0
    org = demo.ORGANIZATION["name"]
    for fiscal_year in (oit_page.current_fiscal_year(), 2569):
        page = soup(app.get(f"/oit/{org}/{fiscal_year}"))
        edition = tk.get_action("oit_framework_show")({}, {"fiscal_year": fiscal_year})
        rows = _rows(page)
        assert [r["data-item"] for r in rows] == [i["key"] for i in in_category_order(edition)]
        for row in rows:
            href = row.select_one("a.oit-landing")["href"]
            assert app.get(href).status_code == 200, href


# --- the home page -------------------------------------------------------------------

def test_the_home_page_shows_search_categories_latest_and_agencies(app, office, published):
    page = soup(app.get("/"))
    assert len(page.select("main")) == 1 and page.select_one("main h1")
    search = page.select_one("form.oit-home-search")
    box = search.select_one("input[name=q]")
    assert page.select_one(f"label[for={box['id']}]").get_text(strip=True) == "ค้นหาข้อมูล"
    assert box["placeholder"].startswith("เช่น")
    assert search["action"].endswith("/dataset/")

    edition = tk.get_action("oit_framework_show")({}, {"fiscal_year": oit_page.current_fiscal_year()})
    links = page.select(".oit-category-list a")
    assert [a["href"].rsplit("=", 1)[-1] for a in links] == [c["code"] for c in edition["categories"]]
    procurement_category = next(i["category"] for i in edition["items"] if i["key"] == "procurement-monthly-summary")
    link = next(a for a in links if a["href"].endswith(f"oit_category={procurement_category}"))
    items_in = sum(1 for i in edition["items"] if i["category"] == procurement_category)
    assert f"{items_in} รายการ · เผยแพร่แล้ว 1 ชุดข้อมูล" in link.get_text(" ", strip=True)
    found = soup(app.get(link["href"]))
    assert [a["href"].rsplit("/", 1)[-1] for a in found.select(".dataset-heading a")] == [published["october"]["name"]]

    latest = [a["href"].rsplit("/", 1)[-1] for a in page.select(".oit-latest-list a")]
    assert latest == [published["october"]["name"]]  # drafts and pending are not public
    agencies = {a["href"] for a in page.select(".oit-agency-list a")}
    assert f"/oit/{office.org['name']}" in agencies and f"/oit/{office.other_org['name']}" in agencies
    headings = [int(h.name[1]) for h in page.select("main h1, main h2, main h3")]
    assert headings[0] == 1 and all(b - a <= 1 for a, b in zip(headings, headings[1:]))

    english = soup(app.get("/en/"))
    assert english.select_one("label[for=oit-home-q]").get_text(strip=True) == "Search the data"


# --- facets ---------------------------------------------------------------------------

def test_facets_for_organisation_and_format_with_thai_labels(app, office, published):
    result = tk.get_action("package_search")({}, {
        "q": "", "facet.field": json.dumps(["organization", "res_format", "fiscal_year", "license_id"])})
    labels = {field: {i["name"]: i["display_name"] for i in facet["items"]}
              for field, facet in result["search_facets"].items()}
    assert labels["organization"] == {office.org["name"]: "สพป.ตัวอย่าง"}
    assert labels["res_format"] == {"CSV": "CSV"}
    assert labels["fiscal_year"] == {"2569": "พ.ศ. 2569"}
    assert labels["license_id"] == {"Open Data Common": "สัญญาอนุญาตข้อมูลเปิดภาครัฐ (Open Data Common)"}

    page = soup(app.get("/dataset/"))
    titles = [h.get_text(" ", strip=True) for h in page.select("section.module-narrow h2, .module-heading")]
    for title in ("หมวดข้อมูล OIT", "รายการ OIT", "ปีงบประมาณ", "หน่วยงาน", "รูปแบบไฟล์", "คำสำคัญ", "สัญญาอนุญาต"):
        assert any(title in t for t in titles), (title, titles)
    assert not any(english in t for t in titles for english in ("Organizations", "Formats", "Licenses", "Groups", "Tags"))
    facet_text = " ".join([s.get_text(" ", strip=True) for s in page.select("section.module-narrow")]
                          # long labels: in the link's title (CKAN 2.11) or its tooltip (2.12)
                          + [a.get("title") or a.get("data-bs-title", "") for a in page.select("section.module-narrow a")])
    assert "สพป.ตัวอย่าง" in facet_text and "พ.ศ. 2569" in facet_text and "สัญญาอนุญาตข้อมูลเปิดภาครัฐ" in facet_text
    category = page.select_one("a[href*='oit_category='] .item-label").get_text(strip=True)
    # the 2569 list's category of the monthly summaries: 9, information disclosure
    assert category.split()[0] == "9" and "การเปิดเผยข้อมูล" in category  # Thai has no spaces to cut a label at
    filtered = soup(app.get("/dataset/", query_string={"organization": office.org["name"], "res_format": "CSV"}))
    assert [a["href"].rsplit("/", 1)[-1] for a in filtered.select(".dataset-heading a")] == [published["october"]["name"]]

    english = soup(app.get("/en/dataset/"))
    titles = " ".join(h.get_text(" ", strip=True) for h in english.select("section.module-narrow h2, .module-heading"))
    assert "Agency" in titles and "Format" in titles and "FY 2569" in english.get_text()


# --- record previews ------------------------------------------------------------------

def _table_view(resource_id: str) -> dict:
    views = tk.get_action("resource_view_list")({"ignore_auth": True}, {"id": resource_id})
    return next(v for v in views if v["view_type"] == "datatables_view")


def test_loaded_records_get_a_table_view_on_the_resource_page(app, office, published):
    dataset = published["october"]
    resource = dataset["resources"][0]
    assert tk.get_action("resource_show")({}, {"id": resource["id"]})["datastore_active"]
    view = _table_view(resource["id"])
    assert view["title"] == "ตารางข้อมูล"
    page = soup(app.get(f"/oit-procurement/{dataset['name']}/resource/{resource['id']}"))
    frame = page.select_one("iframe")
    assert frame and f"/view/{view['id']}" in frame["src"]
    csv_link = page.select_one("#oit-records-csv")["href"]
    body = app.get(csv_link).get_data().decode("utf-8-sig")
    assert "จัดซื้อกระดาษ A4" in body and len(body.strip().splitlines()) == 3
    shown = app.get(f"/oit-procurement/{dataset['name']}/resource/{resource['id']}/view/{view['id']}")
    assert shown.status_code == 200 and "datatables" in shown.body.lower()
    # a second load of the same resource keeps one table view
    from ckanext.oit.records import previews
    assert previews.ensure_table_view(resource["id"])["id"] == view["id"]
    views = tk.get_action("resource_view_list")({"ignore_auth": True}, {"id": resource["id"]})
    assert [v["view_type"] for v in views].count("datatables_view") == 1


def test_the_public_cannot_read_the_records_of_a_private_dataset(app, office):
    draft = procurement(office, "2026-01", "draft", records=True)
    resource = draft["resources"][0]
    view = _table_view(resource["id"])  # made by the loader for the staff's preview
    assert draft["private"]
    assert app.get(f"/oit-procurement/{draft['name']}/resource/{resource['id']}").status_code == 404
    assert app.get(f"/oit-procurement/{draft['name']}/resource/{resource['id']}/view/{view['id']}").status_code == 404
    api = app.get("/api/3/action/datastore_search", query_string={"resource_id": resource["id"]})
    assert api.status_code == 403 and "จัดซื้อกระดาษ" not in api.body
    sql = app.get("/api/3/action/datastore_search_sql",
                  query_string={"sql": f'SELECT * FROM "{resource["id"]}"'})
    assert sql.status_code == 403 and "จัดซื้อกระดาษ" not in sql.body
    assert app.get(f"/datastore/dump/{resource['id']}").status_code in (403, 404)
    # the table view's data endpoint asks DataStore as the visitor, and is refused before any row is read
    ajax = app.post(f"/datatables/ajax/{view['id']}", data={"draw": "1", "search[value]": "", "start": "0",
                                                             "length": "10"})
    assert ajax.status_code == 403 and "จัดซื้อกระดาษ" not in ajax.body

    # an outsider's write to the rows is refused too (the DataStore guards)
    with pytest.raises(tk.NotAuthorized):
        office.act("other_admin", "datastore_upsert", resource_id=resource["id"], method="insert",
                   records=[{"item_number": 3}], force=True)
    # the organisation's own people still read them
    member = tk.get_action("datastore_search")({"user": office.users["member"]["name"]}, {"resource_id": resource["id"]})
    assert member["total"] == 2
    # once published, the same rows are public
    office.move(draft["id"], "published")
    public = app.get("/api/3/action/datastore_search", query_string={"resource_id": resource["id"]})
    assert public.status_code == 200 and public.json["result"]["total"] == 2


def test_every_page_has_the_portal_stylesheet_for_ckan_markup(app):
    """A resource's long link breaks on a phone (assets/portal.css) instead of widening the page."""
    page = app.get("/").body
    stylesheet = re.search(r'href="(/webassets/ckanext-oit/[^"]*_portal\.css)"', page)
    assert stylesheet, "the portal stylesheet is not linked"
    css = app.get(stylesheet.group(1)).body
    assert ".resource-url-analytics" in css and "overflow-wrap: anywhere" in css
