"""Holes found by attacking issue 15 (editions a sysadmin loads, corrects and chooses
in the running portal), each fixed, and the attacks that held.

- Malformed files ended in a 500 instead of a message: ``items: 5``, ``categories: 5``,
  ``continues: 5``, a list as dataset type or table, ``days_after_period: "²"``,
  ``fiscal_years: [.inf]``, ``months: .inf``, YAML nested 50,000 deep; a NUL in the
  comment or the edition name of the admin page's forms.
- An item code "O²" (str.isdigit takes superscripts) was stored, and /dataset/new and
  the typed forms' chooser then failed for every editor (int() refuses it).
- YAML aliases ("billion laughs") went through: a few lines became a name of megabytes.
- A file of thousands of items was checked and compared in quadratic time (90,000 CSV
  rows under the 5 MB limit: 7.5 minutes of a web worker).
- Names with control characters (a NUL from a YAML escape) reached every page and sheet.
- A key could change its dataset type: in an edition older than every other one (the
  check compared each item with the first edition that has its key, itself), or in the
  only edition that has the key (the version it replaces was not compared).
- An item's table was not checked against the table schemas; ``follows`` could name
  the edition itself (the new cycle was then compared with itself: "no change"); a new
  edition could list a fiscal year another edition lists, and silently take it over.
- A load or reset could take a key that datasets use out of every edition: the
  published dataset could no longer be edited (the ``kept`` rule needs the item), and
  its landing page answered 404; a key a newer list dropped lost its landing page too.
- A stored edition the code reads with any error but ValueError took every page down.
- The confirm step stored its document even when another sysadmin had changed the
  editions after the check: the changes shown were not the changes made.
"""
from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.oit import frameworks
from ckanext.oit.frameworks import registry
from ckanext.oit.frameworks.model import EditionsRevision, FiscalYearEdition, StoredEdition
from support.web import login, page_token

pytestmark = pytest.mark.usefixtures("clean_db", "with_plugins")


@pytest.fixture(autouse=True)
def packaged_editions_afterwards():
    yield
    model.Session.rollback()
    for table in (StoredEdition, FiscalYearEdition, EditionsRevision):
        model.Session.query(table).delete()
    model.Session.commit()
    registry.forget()


def sysadmin() -> dict:
    return {"user": factories.Sysadmin()["name"]}


def exported(name: str = "2569") -> dict:
    return yaml.safe_load(tk.get_action("oit_edition_export")({}, {"edition": name})["content"])


def load(document, context: dict | None = None, **data) -> dict:
    text = document if isinstance(document, str) else yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    return tk.get_action("oit_edition_load")(context or sysadmin(), {"content": text, "filename": "x.yaml", **data})


def refused(document, **data) -> str:
    with pytest.raises(tk.ValidationError) as error:
        load(document, **data)
    return " | ".join(p for problems in error.value.error_dict.values() for p in problems)


def item(document: dict, key: str) -> dict:
    return next(i for i in document["items"] if i["key"] == key)


def nothing_stored() -> bool:
    model.Session.rollback()
    return model.Session.query(StoredEdition).count() == 0


def publish(office, **data) -> dict:
    dataset = office.act("editor", "package_create", owner_org=office.org["id"], fiscal_year="2569",
                         resources=[{"name": "ไฟล์", "url": "http://example.go.th/file.pdf"}], **data)
    office.made_ids.append(dataset["id"])
    return office.move(dataset["id"], "published")


# --- malformed and hostile files ---------------------------------------------------

def _set(path: str, value):
    def change(document: dict) -> dict:
        *parents, last = path.split(".")
        target = document
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
        return document
    return change


def _monthly_months(value):
    def change(document: dict) -> dict:
        next(i for i in document["items"] if i["cadence"] == "monthly")["months"] = value
        return document
    return change


def _records_table(value):
    def change(document: dict) -> dict:
        next(i for i in document["items"] if i.get("table"))["table"] = value
        return document
    return change


MALFORMED = {
    "items-a-number": _set("items", 5),
    "categories-a-number": _set("categories", 5),
    "continues-a-number": _set("items.0.continues", 5),
    "dataset-type-a-list": _set("items.0.dataset_type", ["oit-organization"]),
    "table-a-list": _records_table(["procurement-list"]),
    "days-a-superscript": _set("due", {"days_after_period": "²"}),
    "fiscal-year-infinite": _set("fiscal_years", [float("inf")]),
    "months-infinite": _monthly_months(float("inf")),
    "code-a-superscript": _set("items.0.code", "O²"),
    "code-of-5000-digits": _set("items.0.code", "O" + "9" * 5000),
    "edition-superscripts": _set("edition", "²⁵⁷⁰"),
    "name-a-mapping": _set("items.0.name", {"th": {"x": 1}, "en": "Structure"}),
    "nul-in-a-name": _set("items.0.name.th", "โครง\x00สร้าง"),
    "key-of-a-thousand-letters": _set("items.0.key", "k" * 1000),
    "unknown-table": _records_table("no-such-table"),
    "follows-itself": lambda d: dict(d, edition="2570", fiscal_years=[2570], follows="2570"),
    "takes-another-editions-year": lambda d: dict(d, edition="2566", fiscal_years=[2569]),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_edition_is_refused_with_a_message_by_the_api_never_a_500(app, case):
    token = factories.APIToken(user=factories.Sysadmin()["name"])["token"]
    text = yaml.safe_dump(MALFORMED[case](exported()), allow_unicode=True, sort_keys=False)
    response = app.post("/api/3/action/oit_edition_load", json={"content": text, "confirm": True},
                        headers={"Authorization": token})
    assert response.status_code == 409, response.body
    assert list(response.json["error"]) == ["upload", "__type"]
    assert nothing_stored()


def test_yaml_nested_too_deep_or_with_aliases_is_refused_before_it_expands():
    assert "20" in refused("a: " + "[" * 50_000 + "]" * 50_000)
    laughs = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for n in range(1, 7):
        laughs += f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]\n"
    document = yaml.safe_dump(exported(), allow_unicode=True, sort_keys=False)
    bomb = laughs + document.replace("th: โครงสร้าง หน้าที่และอำนาจ", "th: *l6", 1)
    assert "*l6" in bomb and len(bomb) < 20_000   # ten million "lol" once expanded
    said = refused(bomb, confirm=True)
    assert "aliases" in said
    assert nothing_stored()


def test_yaml_tags_and_non_utf8_are_refused_with_a_message():
    assert "python/object" in refused("!!python/object/apply:os.system ['true']")
    upload = io.BytesIO(yaml.safe_dump(exported(), allow_unicode=True).encode("cp874"))
    from werkzeug.datastructures import FileStorage

    with pytest.raises(tk.ValidationError) as error:
        tk.get_action("oit_edition_load")(sysadmin(), {"upload": FileStorage(upload, "2569.yaml")})
    assert "utf-8" in error.value.error_dict["upload"][0]


def test_a_file_of_thousands_of_items_is_refused_at_once():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "key", "name_th", "name_en", "dataset_type", "cadence", "evidence", "category"])
    for n in range(1, 1001):
        writer.writerow([f"O{n}", f"item-{n}", f"รายการ {n}", f"Item {n}", "oit-operation", "standing", "document", "9"])
    with pytest.raises(tk.ValidationError) as error:
        tk.get_action("oit_edition_load")(sysadmin(), {"content": out.getvalue(), "filename": "items.csv",
                                                       "edition": "2569"})
    said = error.value.error_dict["upload"]
    assert len(said) == 1 and "1000" in said[0] and "300" in said[0]


def test_thai_digits_in_codes_and_edition_names_are_read_as_digits():
    document = dict(exported(), edition="๒๕๗๐", fiscal_years=["๒๕๗๐"], follows="2569")
    document["items"][0]["code"] = "O๑"
    done = load(document, confirm=True)
    assert done["edition"] == "2570"
    assert frameworks.edition("2570").items[0].code == "O1"
    assert frameworks.edition("๒๕๗๐") is None


# --- the confirm step's document, tampered ------------------------------------------------

def test_a_key_keeps_its_dataset_type_in_an_edition_older_than_all_the_others():
    document = dict(exported(), edition="2560", fiscal_years=[2560])
    document.pop("follows")
    item(document, "news")["dataset_type"] = "oit-hr"
    said = refused(document, confirm=True)
    assert "news" in said and "oit-organization" in said
    assert nothing_stored()


def test_a_key_keeps_its_dataset_type_against_the_version_it_replaces():
    document = exported()
    item(document, "ita-results-development")["dataset_type"] = "oit-hr"   # a key only 2569 has
    assert "ita-results-development" in refused(document, confirm=True)
    assert nothing_stored()


def test_the_confirm_page_rechecks_a_tampered_document(app):
    browser = login(app, factories.Sysadmin())
    token = page_token(browser, "/ckan-admin/oit-editions/")
    document = exported()
    item(document, "news")["dataset_type"] = "oit-nothing"
    for tampered in (json.dumps(document, ensure_ascii=False), "items: 5", "a: &a [1]\nb: *a"):
        page = browser.post("/ckan-admin/oit-editions/confirm", data={"_csrf_token": token, "document": tampered})
        assert page.status_code == 200 and "oit-edition-errors" in page.body
    assert nothing_stored()


def test_item_names_are_escaped_on_every_page_and_kept_text_in_every_sheet(app, office):
    document = exported()
    item(document, "structure-and-powers")["name"] = {"th": "<script>alert(1)</script>", "en": "<img src=x onerror=alert(2)>"}
    item(document, "news")["name"] = {"th": '=HYPERLINK("http://evil.example","ข่าว")', "en": "+cmd|' /C calc'!A0"}
    load(document, confirm=True)
    browser = login(app, office.users["admin"])
    org = office.org["name"]
    for path in (f"/oit/{org}/2569", f"/oit/{org}/2569/itas.html", f"/oit/{org}/2569/structure-and-powers",
                 f"/organization/{org}/oit-compliance?fiscal_year=2569", "/en/oit/my-work/new"):
        body = browser.get(path).body
        assert "<script>alert(1)" not in body and "<img src=x" not in body, path
    admin = login(app, office.users["sysadmin"]).get("/ckan-admin/oit-editions/").body
    assert "<script>" not in admin
    sheet = browser.get(f"/oit/{org}/2569/itas.csv").body
    assert "'=HYPERLINK(" in sheet and "\n=HYPERLINK" not in sheet.replace(",=", "\n=")


# --- who may -----------------------------------------------------------------------------

ATTEMPTS = (("load", {"comment": "x"}), ("confirm", {"document": "x"}), ("reset", {"edition": "2569"}),
            ("year", {"fiscal_year": "2570", "edition": "2569"}))


@pytest.mark.parametrize("role", ["stranger", "member", "editor", "admin"])
def test_no_one_but_a_sysadmin_loads_resets_or_chooses_by_api_token_or_page(app, office, role):
    user = office.users[role]
    token = factories.APIToken(user=user["name"])["token"]
    text = tk.get_action("oit_edition_export")({}, {"edition": "2569"})["content"]
    for action, data in (("oit_edition_load", {"content": text, "confirm": True}),
                         ("oit_edition_reset", {"edition": "2569"}),
                         ("oit_fiscal_year_edition_set", {"fiscal_year": 2570, "edition": "2569"})):
        assert app.post(f"/api/3/action/{action}", json=data, headers={"Authorization": token}).status_code == 403
        assert app.post(f"/api/3/action/{action}", json=data).status_code == 403
    browser = login(app, user)
    assert browser.get("/ckan-admin/oit-editions/").status_code == 403
    csrf = page_token(browser, "/dataset/")
    for path, data in ATTEMPTS:
        assert browser.post(f"/ckan-admin/oit-editions/{path}", data={"_csrf_token": csrf, **data}).status_code == 403
    assert nothing_stored() and registry.stored_fiscal_years() == {}


def test_a_sysadmins_session_without_the_csrf_token_changes_nothing(app):
    browser = login(app, factories.Sysadmin())
    for path, data in ATTEMPTS:
        assert browser.post(f"/ckan-admin/oit-editions/{path}", data=data).status_code == 400
        assert browser.get(f"/ckan-admin/oit-editions/{path}").status_code in (404, 405)
    assert browser.post("/api/3/action/oit_fiscal_year_edition_set",
                        json={"fiscal_year": 2570, "edition": "2569"}).status_code == 400
    assert nothing_stored() and registry.stored_fiscal_years() == {}


def test_a_nul_in_a_form_field_is_a_message_not_a_500(app):
    browser = login(app, factories.Sysadmin())
    token = page_token(browser, "/ckan-admin/oit-editions/")
    text = tk.get_action("oit_edition_export")({}, {"edition": "2569"})["content"]
    for path, data in (("confirm", {"document": text, "comment": "แก้\x00ไข"}),
                       ("reset", {"edition": "25\x0069"}),
                       ("year", {"fiscal_year": "2570", "edition": "25\x0069"})):
        page = browser.post(f"/ckan-admin/oit-editions/{path}", data={"_csrf_token": token, **data})
        assert page.status_code == 200 and "NUL" in page.body, path
    assert nothing_stored()


# --- fiscal years ---------------------------------------------------------------------------

def test_the_fiscal_year_of_a_choice_is_a_year_of_the_portal(ckan_config):
    from ckanext.oit.cli import oit

    runner = CliRunner()
    for year in ("0", "9999"):
        shown = runner.invoke(oit, ["edition", "year", year, "2569"])
        assert shown.exit_code == 1 and "fiscal_year" in shown.output
    assert runner.invoke(oit, ["edition", "year", "2570.5", "2569"]).exit_code == 2   # not a whole number
    context = sysadmin()
    for year in (2570.5, "2570.5", True, [2570], "๒๕๗๐x"):
        with pytest.raises(tk.ValidationError):
            tk.get_action("oit_fiscal_year_edition_set")(dict(context), {"fiscal_year": year, "edition": "2569"})
    done = tk.get_action("oit_fiscal_year_edition_set")(dict(context), {"fiscal_year": "๒๕๗๐", "edition": "2569"})
    assert done == {"fiscal_year": 2570, "edition": "2569", "provisional": False}
    assert registry.stored_fiscal_years() == {2570: "2569"}


def test_an_edition_chosen_for_a_year_is_not_removed():
    context = sysadmin()
    document = dict(exported(), edition="2570", fiscal_years=[2570])
    load(document, context, confirm=True)
    tk.get_action("oit_fiscal_year_edition_set")(dict(context), {"fiscal_year": 2571, "edition": "2570"})
    with pytest.raises(tk.ValidationError):
        tk.get_action("oit_edition_reset")(dict(context), {"edition": "2570"})
    assert frameworks.edition("2570") is not None


# --- datasets and their keys -----------------------------------------------------------------

@pytest.mark.usefixtures("clean_index")
def test_a_key_that_published_datasets_use_does_not_leave_every_edition(app, office):
    dataset = publish(office, type="oit-integrity", item_key="ita-results-development", title="ผลการพัฒนา ITA")
    document = exported()
    document["items"] = [i for i in document["items"] if i["key"] != "ita-results-development"]
    said = refused(document, confirm=True)
    assert "ita-results-development" in said
    assert nothing_stored()
    # the published dataset is still editable (a change request) and its address answers
    office.act("editor", "package_patch", id=dataset["id"], notes="แก้ไขคำอธิบาย")
    assert app.get(f"/oit/{office.org['name']}/2569/ita-results-development").status_code == 200


@pytest.mark.usefixtures("clean_index")
def test_an_edition_kept_only_in_the_database_is_not_reset_while_datasets_use_its_keys(office):
    context = sysadmin()
    document = dict(exported(), edition="2570", fiscal_years=[2570])
    document["items"].append({"code": "O27", "key": "open-data-catalogue", "category": "9",
                              "name": {"th": "ชุดข้อมูลเปิด", "en": "Open datasets"}, "dataset_type": "oit-operation",
                              "cadence": "current-year", "evidence": "document"})
    load(document, context, confirm=True)
    dataset = office.act("editor", "package_create", type="oit-operation", owner_org=office.org["id"],
                         item_key="open-data-catalogue", fiscal_year="2570", title="ชุดข้อมูลเปิด 2570")
    office.made_ids.append(dataset["id"])
    with pytest.raises(tk.ValidationError) as error:
        tk.get_action("oit_edition_reset")(dict(context), {"edition": "2570"})
    assert "open-data-catalogue" in error.value.error_dict["edition"][0]
    model.Session.rollback()
    assert frameworks.edition("2570") is not None
    office.act("editor", "package_patch", id=dataset["id"], notes="ยังแก้ไขได้")


@pytest.mark.usefixtures("clean_index")
def test_a_key_a_newer_list_drops_keeps_its_datasets_editable_and_its_landing_page(app, office):
    dataset = publish(office, type="oit-organization", item_key="news", title="ข่าวประชาสัมพันธ์ 2569")
    other = office.act("other_editor", "package_create", type="oit-organization", owner_org=office.other_org["id"],
                       item_key="news", fiscal_year="2569", title="ข่าวของอีกหน่วยงาน")
    document = exported()
    document["items"] = [i for i in document["items"] if i["key"] != "news"]   # 2568 and older keep it
    load(document, confirm=True)
    page = app.get(f"/oit/{office.org['name']}/2569/news")
    assert page.status_code == 200 and "ข่าวประชาสัมพันธ์ 2569" in page.body
    assert app.get(f"/oit/{office.other_org['name']}/2569/news").status_code == 404   # nothing public there
    # the published dataset is kept; no new one under the dropped key, by any id sent
    office.act("editor", "package_patch", id=dataset["id"], notes="แก้ไขคำอธิบาย")
    for sent in ({}, {"id": other["id"]}, {"id": dataset["id"]}):
        with pytest.raises(tk.ValidationError) as error:
            office.act("editor", "package_create", type="oit-organization", owner_org=office.org["id"],
                       item_key="news", fiscal_year="2569", title="ข่าวใหม่", **sent)
        assert "item_key" in error.value.error_dict
    with pytest.raises(tk.ValidationError):
        office.act("sysadmin", "package_create", type="oit-organization", owner_org=office.org["id"],
                   item_key="news", fiscal_year="2569", title="ข่าวใหม่", id=dataset["id"])


# --- the revision token ---------------------------------------------------------------------

@pytest.mark.parametrize("stored", [
    '{"edition": "2569", "title": {"th": "ก", "en": "A"}, "fiscal_years": [2569], "items": 5,'
    ' "categories": [{"code": "9", "name": {"th": "ก", "en": "A"}}]}',
    '{"edition": "2569", "fiscal_years": 5}', "[1, 2]", "not json", "[" * 5000 + "]" * 5000,
], ids=["items-a-number", "fiscal-years-a-number", "a-list", "not-json", "nested-5000-deep"])
def test_a_stored_edition_the_code_cannot_read_does_not_take_the_site_down(app, stored):
    org = factories.Organization()
    model.Session.add(StoredEdition(name="2569", document=stored))
    model.Session.add(EditionsRevision(id=1, token="broken"))
    model.Session.commit()
    registry.forget()
    assert app.get(f"/oit/{org['name']}/2569").status_code == 200
    assert frameworks.edition("2569").origin == "package"


def test_a_confirm_after_another_sysadmins_change_is_refused(app):
    browser = login(app, factories.Sysadmin())
    token = page_token(browser, "/ckan-admin/oit-editions/")
    mine = exported()
    item(mine, "news")["name"]["th"] = "ข่าวของฉัน"
    upload = (io.BytesIO(yaml.safe_dump(mine, allow_unicode=True).encode()), "2569.yaml")
    preview = browser.post("/ckan-admin/oit-editions/load", data={"_csrf_token": token, "upload": upload})
    form = BeautifulSoup(preview.body, "html.parser").find("form", id="oit-edition-confirm")
    fields = {i["name"]: i.get("value", "") for i in form.find_all("input")}
    theirs = exported()
    item(theirs, "executives")["name"]["th"] = "ผู้บริหารของหน่วยงาน"
    load(theirs, confirm=True)
    page = browser.post("/ckan-admin/oit-editions/confirm", data=fields, follow_redirects=False)
    assert page.status_code == 200 and "oit-edition-errors" in page.body
    registry.forget()
    assert frameworks.edition("2569").item_by_key("executives").name_th == "ผู้บริหารของหน่วยงาน"
    assert frameworks.edition("2569").item_by_key("news").name_th != "ข่าวของฉัน"
    # checked again, it stores
    preview = browser.post("/ckan-admin/oit-editions/load", data={
        "_csrf_token": token, "upload": (io.BytesIO(yaml.safe_dump(mine, allow_unicode=True).encode()), "2569.yaml")})
    form = BeautifulSoup(preview.body, "html.parser").find("form", id="oit-edition-confirm")
    fields = {i["name"]: i.get("value", "") for i in form.find_all("input")}
    assert browser.post("/ckan-admin/oit-editions/confirm", data=fields, follow_redirects=False).status_code == 302
