"""The organisation's e-service address: a field of its own in the organisation form,
checked on every write (API and form), counted by the ITAS sheet once it is a web address."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.compliance import evidence

from support.web import login

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

ADDRESS = "https://eservice.example.go.th/request"
REFUSED = "ที่อยู่ระบบบริการออนไลน์ (E-Service) ต้องเป็นที่อยู่เว็บ"


def patch(office, role: str, value: str, **others) -> dict:
    extras = [{"key": "e_service_url", "value": value}] + [{"key": k, "value": v} for k, v in others.items()]
    return office.act(role, "organization_patch", id=office.org["id"], extras=extras)


def extras_of(office) -> dict[str, str]:
    model.Session.remove()
    return dict(model.Group.get(office.org["id"]).extras)


@pytest.mark.parametrize("value", [
    "javascript:alert(1)", "eservice.example.go.th", "https://", "ftp://files.example.go.th/",
    "https://exa mple.go.th/", "https://example.go.th/\nx", "data:text/html,hi", "//example.go.th/",
    "https://example.go.th/" + "a" * 500,
])
def test_anything_but_a_web_address_is_refused_in_both_languages_and_nothing_changes(office, value):
    patch(office, "admin", ADDRESS)
    with pytest.raises(tk.ValidationError) as refused:
        patch(office, "admin", value, note="kept")
    message = refused.value.error_dict["e_service_url"][0]
    assert REFUSED in message and "must be a web address starting with https://" in message
    assert extras_of(office) == {"e_service_url": ADDRESS}
    with pytest.raises(tk.ValidationError):  # an organisation made with it, too
        office.act("sysadmin", "organization_create", name="new-office", extras=[{"key": "e_service_url", "value": value}])
    assert model.Group.get("new-office") is None


def test_a_web_address_is_kept_trimmed_and_an_empty_field_takes_it_away(office):
    patch(office, "admin", f"  {ADDRESS}  ", note="kept")
    assert extras_of(office) == {"e_service_url": ADDRESS, "note": "kept"}
    assert evidence.working(model.Group.get(office.org["id"]))["e-service"] == ADDRESS
    patch(office, "admin", "", note="kept")
    assert extras_of(office) == {"note": "kept"}
    assert "e-service" not in evidence.working(model.Group.get(office.org["id"]))


def form_fields(page) -> tuple[BeautifulSoup, dict[str, str]]:
    soup = BeautifulSoup(page.body, "html.parser")
    form = soup.find("form", id="organization-edit-form")
    fields = {f["name"]: f.get("value", "") for f in form.find_all("input") if f.get("name") and f.get("type") != "file"}
    fields.update({t["name"]: t.get_text() for t in form.find_all("textarea")})
    return soup, fields


def test_the_admin_sets_it_in_the_organisation_form_with_a_label_and_errors_in_the_page_language(office, app):
    browser = login(app, office.users["admin"])
    edit = f"/organization/edit/{office.org['name']}"
    soup, fields = form_fields(browser.get(edit))
    field = soup.find("input", id="field-e-service-url")
    assert soup.find("label", attrs={"for": "field-e-service-url"}).get_text(strip=True) == \
        "ที่อยู่ระบบบริการออนไลน์ (E-Service) ของหน่วยงาน"
    key = field["name"].replace("__value", "__key")
    # a text field: the browser's own URL check would stop the form with its words, not ours
    assert fields[key] == "e_service_url" and field["type"] == "text" and field["inputmode"] == "url"

    refused = browser.post(edit, data=dict(fields, **{field["name"]: "www.example.go.th", "save": ""}))
    assert REFUSED in refused.body and "must be a web address" not in refused.body  # Thai page: Thai only
    summary = BeautifulSoup(refused.body, "html.parser").select_one(".error-explanation").get_text(" ", strip=True)
    assert "ที่อยู่ระบบบริการออนไลน์ (E-Service) ของหน่วยงาน:" in summary and "E service" not in summary
    assert "e_service_url" not in extras_of(office)

    soup, fields = form_fields(browser.get(edit))
    saved = browser.post(edit, data=dict(fields, **{field["name"]: ADDRESS, "save": ""}))
    assert saved.status_code == 200 and extras_of(office)["e_service_url"] == ADDRESS
    # shown again in its own field, not among the custom fields
    soup, fields = form_fields(browser.get(edit))
    assert soup.find("input", id="field-e-service-url")["value"] == ADDRESS
    assert [v for k, v in fields.items() if k.endswith("__key") and v == "e_service_url"] == ["e_service_url"]
    # the organisation's about page links it under its name, not as the raw key
    about = BeautifulSoup(app.get(f"/organization/about/{office.org['name']}").body, "html.parser")
    link = about.select_one("p.oit-e-service a")
    assert link["href"] == ADDRESS and "e_service_url" not in about.get_text()
    assert "ที่อยู่ระบบบริการออนไลน์ (E-Service) ของหน่วยงาน" in about.select_one("p.oit-e-service").get_text()
