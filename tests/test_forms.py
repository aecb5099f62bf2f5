"""The dataset forms: Thai labels by default, English for a user who chose English."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def editor_headers():
    user = factories.User()
    factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    token = factories.APIToken(user=user["name"])
    return {"Authorization": token["token"]}


def labels(body: str) -> dict[str, str]:
    page = BeautifulSoup(body, "html.parser")
    return {lab.get("for"): lab.get_text(" ", strip=True) for lab in page.select("form label[for]")}


THAI = {"field-fiscal_year": "ปีงบประมาณ (พ.ศ.)", "field-item_key": "รายการข้อมูล (OIT)",
        "field-data_type": "ประเภทชุดข้อมูล"}
ENGLISH = {"field-fiscal_year": "Fiscal year (BE)", "field-item_key": "OIT item",
           "field-data_type": "Data type"}


@pytest.mark.parametrize("dataset_type", ["oit-procurement", "oit-complaint"])
@pytest.mark.parametrize("prefix, expected", [("", THAI), ("/en", ENGLISH)], ids=["thai-default", "english-chosen"])
def test_the_form_speaks_the_users_language(app, editor_headers, dataset_type, prefix, expected):
    form = labels(app.get(f"{prefix}/{dataset_type}/new", headers=editor_headers).body)
    for field, label in expected.items():
        assert label in form[field]


def test_a_thai_title_does_not_make_the_url_and_the_url_is_not_marked_required(app, editor_headers):
    # CKAN's slug preview made the URL from the title, so a Thai title gave its digits ("1-2569");
    # left empty, the URL is made by the server from organisation, year, item and period
    page = BeautifulSoup(app.get("/oit-procurement/new", headers=editor_headers).body, "html.parser")
    assert page.select_one("#field-title").get("data-module") is None
    url_label = page.select_one("label[for=field-name]")
    assert url_label is not None and not url_label.select(".control-required")


def test_the_item_select_offers_the_items_of_the_type(app, editor_headers):
    page = BeautifulSoup(app.get("/oit-procurement/new", headers=editor_headers).body, "html.parser")
    options = {o["value"]: o.get_text(strip=True) for o in page.select("#field-item_key option") if o["value"]}
    assert "procurement-monthly-summary" in options
    assert "2567: O21" in options["procurement-monthly-summary"]
    assert "hr-policy" not in options
    # workflow fields are not in the form
    assert not page.select("[name=oit_status]")


def test_the_dataset_page_shows_the_oit_fields_in_thai(app):
    sysadmin = factories.Sysadmin()
    org = factories.Organization()
    from ckan.tests.helpers import call_action
    dataset = call_action("package_create", {"user": sysadmin["name"]}, type="oit-procurement",
                          owner_org=org["id"], item_key="procurement-monthly-summary",
                          fiscal_year="2569", period="2025-10", document_date="15/10/2568",
                          budget_amount="1,500")
    headers = {"Authorization": factories.APIToken(user=sysadmin["name"])["token"]}  # a draft is private
    body = app.get(f"/oit-procurement/{dataset['name']}", headers=headers).body
    text = BeautifulSoup(body, "html.parser").get_text(" ", strip=True)
    assert "ปีงบประมาณ พ.ศ. 2569" in text
    assert "เดือนตุลาคม 2568" in text
    assert "15 ตุลาคม 2568" in text
    assert "1,500.00 บาท" in text
    assert "ฉบับร่าง" in text  # the workflow status, read-only
    english = BeautifulSoup(app.get(f"/en/oit-procurement/{dataset['name']}", headers=headers).body, "html.parser")
    assert "October 2025" in english.get_text(" ", strip=True)


def test_the_resource_form_offers_a_file_upload(app, editor_headers):
    """Uploads are on in every portal the project sets up, so staff can attach a file."""
    import ckan.plugins.toolkit as tk

    assert tk.asbool(tk.config.get("ckan.uploads_enabled"))
    user = factories.User()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    dataset = tk.get_action("package_create")({"user": user["name"]}, dict(
        type="oit-procurement", owner_org=org["id"], item_key="procurement-monthly-summary",
        fiscal_year="2569", period="2025-10"))
    headers = {"Authorization": factories.APIToken(user=user["name"])["token"]}
    page = BeautifulSoup(app.get(f"/oit-procurement/{dataset['name']}/resource/new", headers=headers).body,
                         "html.parser")
    assert page.select_one('input[type="file"][name="upload"]') is not None
