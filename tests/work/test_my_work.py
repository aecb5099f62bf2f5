"""My work (/oit/my-work): each person's start page after login, what oit_my_work gives
each role, who is refused, the typed forms it opens filled in, and the ways in to it."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

THAI = re.compile("[\u0e00-\u0e7f]")
MONTHLY = "procurement-monthly-summary"
REASON = "แก้ไขวันที่สัญญา"
PASSWORD = "Correct-horse-9"
# In fiscal year 2569: February is overdue, March due within 30 days. Only reads run at this
# date: a dataset written under a frozen clock has a metadata_modified after its audit event.
# The other tests ask for fiscal year 2569 as it is now, a year whose every period is overdue.
MID_MARCH = "2026-03-15"


def make(act, state: str, org: dict, period: str, fiscal_year: str = "2569", reason: str = REASON,
         **extra) -> dict:
    """A monthly procurement summary taken to ``state``; ``act(role, action, **data)``
    acts as the organisation's "editor" or "admin"."""
    dataset = act("editor", "package_create", type="oit-procurement", owner_org=org["id"], item_key=MONTHLY,
                  fiscal_year=fiscal_year, period=period, **extra)
    if state != "draft":
        act("editor", "oit_submit", id=dataset["id"])
    if state == "returned":
        act("admin", "oit_return", id=dataset["id"], comment=reason)
    if state in ("published", "changing"):
        act("admin", "oit_approve", id=dataset["id"])
    if state == "changing":
        act("editor", "package_patch", id=dataset["id"], notes="ขอแก้ไขคำอธิบาย")
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset["id"]})


def acting(users: dict[str, dict]):
    def act(role: str, action: str, **data):
        return tk.get_action(action)({"user": users[role]["name"], "ignore_auth": False}, data)
    return act


@pytest.fixture
def work(office):
    """The office's FY 2569 as of 15 March 2026: October published, November a draft,
    December returned with a reason, January pending, a published summary of July 2025 with
    a change request open; the other organisation has a draft and a returned dataset."""
    ours, org = office.act, office.org
    made = {"published": make(ours, "published", org, "2025-10"), "draft": make(ours, "draft", org, "2025-11"),
            "returned": make(ours, "returned", org, "2025-12"), "pending": make(ours, "pending", org, "2026-01"),
            "changing": make(ours, "changing", org, "2025-07", fiscal_year="2568")}
    theirs = acting({"editor": office.users["other_editor"], "admin": office.users["other_admin"]})
    made["other_draft"] = make(theirs, "draft", office.other_org, "2025-11")
    made["other_returned"] = make(theirs, "returned", office.other_org, "2025-12", reason="อีกหน่วยงาน")
    return office, made


def my_work(office, role: str, **data) -> dict:
    return office.act(role, "oit_my_work", **data)


def due_of(org_entry: dict) -> dict[tuple[str, str], dict]:
    return {(e["item_key"], e["period"]): e for e in org_entry["due"]}


def names(entries) -> list[str]:
    return [e["name"] for e in entries]


def headers(user: dict) -> dict[str, str]:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


# --- the action ---------------------------------------------------------------

def test_staff_get_what_is_due_their_drafts_and_what_was_returned_with_the_reason(work):
    office, made = work
    with freeze_time(MID_MARCH):
        result = my_work(office, "editor", fiscal_year="2569")
    assert result["fiscal_year"] == 2569 and result["as_of"] == MID_MARCH
    [org] = result["organizations"]  # never the other organisation
    assert (org["name"], org["role"], org["approvals"], org["compliance"]) == (office.org["name"], "editor", None, None)

    due = due_of(org)
    # February ended and its due date (10 March) passed; March is due on 10 April, within 30 days
    assert due[(MONTHLY, "2026-02")]["status"] == "overdue"
    assert due[(MONTHLY, "2026-03")]["status"] == "due"
    assert due[(MONTHLY, "2026-03")]["due"] == "2026-04-10"
    # published, pending and returned periods are not due; April is due on 10 May, too far ahead
    for period in ("2025-10", "2025-12", "2026-01", "2026-04"):
        assert (MONTHLY, period) not in due
    # a plan of the year (2569 O13, the HR management plan) was due on 1 March: overdue. What comes
    # back every month or round comes first (the yearly items, all due early in the year, would
    # bury it), then the yearly ones, each part most urgent first
    plan = due[("hr-management-plan", "year")]
    assert (plan["code"], plan["status"]) == ("O13", "overdue")
    assert due[(MONTHLY, "2026-02")]["recurring"] and not plan["recurring"]
    order = [(not e["recurring"], e["status"] != "overdue") for e in org["due"]]
    assert order == sorted(order) and order[0] == (False, False) and order[-1][0]

    february = due[(MONTHLY, "2026-02")]
    assert february["code"] == "O11" and february["dataset_type"] == "oit-procurement"  # the 2569 list's code
    assert february["datasets"] == []
    url = urlsplit(february["create_url"])
    assert url.path == "/oit-procurement/new"
    assert {k: v[0] for k, v in parse_qs(url.query).items()} == {
        "owner_org": office.org["id"], "item_key": MONTHLY, "fiscal_year": "2569", "period": "2026-02"}
    # November has a draft: it is continued, not created a second time
    november = due[(MONTHLY, "2025-11")]
    assert november["create_url"] is None
    assert november["datasets"] == [{"name": made["draft"]["name"], "type": "oit-procurement", "status": "draft",
                                     "url": f"/oit-procurement/{made['draft']['name']}"}]

    assert names(org["drafts"]) == [made["draft"]["name"]]
    assert org["drafts"][0]["reason"] is None
    [returned] = org["returned"]
    assert returned["name"] == made["returned"]["name"]
    assert returned["url"] == f"/oit-procurement/{made['returned']['name']}"
    assert returned["reason"] == REASON
    admin = office.users["admin"]
    assert returned["returned_by"] == (admin["fullname"] or admin["name"])

    overdue = sum(e["status"] == "overdue" for e in org["due"])
    assert org["counts"] == {"overdue": overdue, "due": len(org["due"]) - overdue, "drafts": 1, "returned": 1,
                             "pending": 0, "change_requests": 0, "todo": len(org["due"]) + 1}
    assert result["todo"] == org["counts"]["todo"]


def test_a_returned_dataset_being_edited_keeps_its_reason_among_the_drafts(work):
    office, made = work
    office.act("editor", "package_patch", id=made["returned"]["id"], notes="แก้วันที่แล้ว")
    [org] = my_work(office, "editor", fiscal_year="2569")["organizations"]
    assert org["returned"] == []
    drafts = {d["name"]: d for d in org["drafts"]}
    assert drafts[made["returned"]["name"]]["reason"] == REASON


def test_the_director_also_gets_approvals_and_the_compliance_summary(work):
    office, made = work
    [org] = my_work(office, "admin", fiscal_year="2569")["organizations"]
    assert org["role"] == "admin"
    assert names(org["approvals"]["pending"]) == [made["pending"]["name"]]
    assert org["approvals"]["pending"][0]["url"] == f"/oit-procurement/{made['pending']['name']}"
    [request] = org["approvals"]["change_requests"]
    assert request["package_id"] == made["changing"]["id"] and request["name"] == made["changing"]["name"]
    assert request["url"] == f"/oit/change-request/{request['id']}"

    shown = tk.get_action("oit_compliance_show")({"user": office.users["admin"]["name"]},
                                                 {"id": office.org["id"], "fiscal_year": 2569})
    summary = org["compliance"]
    late = sum(p["status"] == "overdue" for i in shown["items"] for p in i["periods"])
    assert (summary["due"], summary["late"], summary["published"], summary["score"]) == (
        shown["due"], late, shown["published"], shown["score"])
    assert summary["published"] == 1 and late > 0
    name = office.org["name"]
    assert summary["dashboard_url"] == f"/organization/{name}/oit-compliance?fiscal_year=2569"
    assert (summary["itas_csv_url"], summary["itas_xlsx_url"]) == (f"/oit/{name}/2569/itas.csv",
                                                                   f"/oit/{name}/2569/itas.xlsx")
    assert org["counts"]["pending"] == 1 and org["counts"]["change_requests"] == 1
    assert org["counts"]["todo"] == len(org["due"]) + 1 + 1 + 1


def test_the_current_fiscal_year_by_default_and_a_bad_one_is_refused(work):
    office, _made = work
    with freeze_time(MID_MARCH):
        assert my_work(office, "editor")["fiscal_year"] == 2569
    assert my_work(office, "editor", fiscal_year="๒๕๖๘")["fiscal_year"] == 2568  # Thai digits read
    with pytest.raises(tk.ValidationError) as error:
        my_work(office, "editor", fiscal_year="next year")
    assert "fiscal_year" in error.value.error_dict


@pytest.mark.parametrize("role", ["anonymous", "stranger", "member"])
def test_whoever_edits_for_no_organisation_is_refused(work, role):
    office, _made = work
    with pytest.raises(tk.NotAuthorized):
        my_work(office, role)


def test_nobody_sees_another_organisations_work(work):
    office, made = work
    [org] = my_work(office, "other_editor", fiscal_year="2569")["organizations"]
    assert org["name"] == office.other_org["name"]
    assert names(org["drafts"]) == [made["other_draft"]["name"]]
    assert names(org["returned"]) == [made["other_returned"]["name"]]
    assert org["returned"][0]["reason"] == "อีกหน่วยงาน"
    ours = {made[k]["id"] for k in ("draft", "returned", "pending", "changing")}
    [theirs] = my_work(office, "other_admin", fiscal_year="2569")["organizations"]
    assert theirs["approvals"] == {"pending": [], "change_requests": []}
    found = {d["id"] for d in theirs["drafts"] + theirs["returned"]}
    assert not found & ours
    # a sysadmin (whom CKAN's auth lets through) is staff only where a membership says so
    assert my_work(office, "sysadmin")["organizations"] == []


# --- the typed form it opens --------------------------------------------------

def _form_fields(body: str) -> dict[str, str]:
    """What a browser sends from the dataset form as it is shown."""
    form = BeautifulSoup(body, "html.parser").select_one("form#dataset-edit")
    data = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        if field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            data[field["name"]] = chosen.get("value", "") if chosen else ""
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[field["name"]] = field.get("value", "on")
        elif field.get("type") not in ("submit", "button", "file"):
            data[field["name"]] = field.get("value", field.get_text() if field.name == "textarea" else "")
    return data


def _login(client, user: dict):
    """Log in through CKAN's form, as a browser does (a password set for it first)."""
    stored = model.User.get(user["name"])
    stored.password = PASSWORD
    model.Session.commit()
    page = client.get("/user/login")
    token = BeautifulSoup(page.body, "html.parser").find("input", {"name": "_csrf_token"})["value"]
    return client.post("/user/login", data={"login": user["name"], "password": PASSWORD, "_csrf_token": token},
                       follow_redirects=False)


def test_the_create_link_opens_the_typed_form_filled_in_and_it_validates_as_any_input(app, work):
    office, _made = work
    [org] = my_work(office, "editor", fiscal_year="2569")["organizations"]
    create = due_of(org)[(MONTHLY, "2026-02")]["create_url"]
    browser = app.test_client()
    assert _login(browser, office.users["editor"]).status_code == 302

    for prefix, month in (("", "ก.พ. 2569"), ("/en", "Feb 2026")):
        page = BeautifulSoup(browser.get(prefix + create).body, "html.parser")
        assert page.select_one("#field-item_key option[selected]")["value"] == MONTHLY
        assert page.select_one("#field-fiscal_year")["value"] == "2569"
        assert page.select_one("#field-period")["value"] == month  # as people type it, not 2026-02
        assert page.select_one("#field-organizations option[selected]")["value"] == office.org["id"]

    # only organisation, item, fiscal year and period come from a link: not the hidden id that
    # turns the new form into an update of another dataset, nor any other field
    sneaky = BeautifulSoup(browser.get(f"{create}&id={_made['draft']['id']}&notes=from-a-link").body, "html.parser")
    assert sneaky.select_one("input[name=pkg_name]")["value"] == ""
    assert "from-a-link" not in str(sneaky.select_one("form#dataset-edit"))
    assert sneaky.select_one("#field-fiscal_year")["value"] == "2569"

    body = browser.get(create).body
    response = browser.post("/oit-procurement/new", data=dict(_form_fields(body), save=""),
                            follow_redirects=False)
    assert response.status_code == 302, response.body
    created = model.Session.query(model.Package).filter(model.Package.type == "oit-procurement").order_by(
        model.Package.metadata_created.desc()).first()
    assert (created.extras["item_key"], created.extras["fiscal_year"], created.extras["period"]) == (
        MONTHLY, "2569", "2026-02")
    assert created.owner_org == office.org["id"] and created.private

    # what comes in the query is only a start: a month outside the fiscal year is refused on saving
    bad = create.replace("period=2026-02", "period=2027-02")
    response = browser.post("/oit-procurement/new", data=dict(_form_fields(browser.get(bad).body), save=""),
                            follow_redirects=False)
    assert response.status_code == 200
    assert "ไม่อยู่ในปีงบประมาณ 2569" in BeautifulSoup(response.body, "html.parser").get_text(" ")
    assert model.Session.query(model.Package).filter(model.Package.type == "oit-procurement").count() == 8


def test_after_login_staff_land_on_my_work_and_others_on_the_dashboard(app, work):
    office, _made = work
    browser = app.test_client()
    response = _login(browser, office.users["editor"])
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/oit/my-work"
    assert "งานของฉัน" in browser.get("/oit/my-work").body
    member = app.test_client()
    assert urlsplit(_login(member, office.users["member"]).headers["Location"]).path == "/oit/my-work"
    landed = member.get("/oit/my-work", follow_redirects=False)
    assert landed.status_code == 302 and urlsplit(landed.headers["Location"]).path == "/dashboard/datasets"


# --- the page -------------------------------------------------------------------

def _links(body: str) -> set[str]:
    return {a["href"] for a in BeautifulSoup(body, "html.parser").select("main a[href], #content a[href]")}


def test_the_page_lists_the_months_first_and_folds_many_yearly_items_under_their_count(app, work):
    office, _made = work
    shown = my_work(office, "editor", fiscal_year="2569")["organizations"][0]  # every period overdue
    yearly = [e for e in shown["due"] if not e["recurring"]]
    assert len(yearly) > 5 and shown["fold_yearly"]
    page = BeautifulSoup(app.get("/oit/my-work?fiscal_year=2569", headers=headers(office.users["editor"])).body,
                         "html.parser")
    months, folded = page.select("ul.oit-work-due")
    assert folded.find_parent("details") is not None and months.find_parent("details") is None
    assert len(months.find_all("li")) == len(shown["due"]) - len(yearly)
    assert len(folded.find_all("li")) == len(yearly)
    details = page.select_one("details.oit-work-due-yearly")
    assert not details.has_attr("open")
    assert " ".join(details.summary.get_text().split()) == \
        f"ปีละครั้ง: {len(yearly)} รายการ, เกินกำหนด {len(yearly)} รายการ"


def test_the_page_links_every_entry_to_its_form_dataset_or_approval(app, work):
    office, made = work
    editor = app.get("/oit/my-work?fiscal_year=2569", headers=headers(office.users["editor"]))
    assert editor.status_code == 200
    shown = my_work(office, "editor", fiscal_year="2569")["organizations"][0]
    links = _links(editor.body)
    for entry in shown["due"]:
        assert (entry["create_url"] or entry["datasets"][0]["url"]) in links
    assert {f"/oit-procurement/{made['draft']['name']}", f"/oit-procurement/{made['returned']['name']}",
            f"/oit/my-work/new?organization={office.org['name']}"} <= links
    assert REASON in editor.body
    assert f"/oit-procurement/{made['pending']['name']}" not in links  # approvals are the director's
    assert made["other_draft"]["name"] not in editor.body and "อีกหน่วยงาน" not in editor.body

    director = app.get("/oit/my-work?fiscal_year=2569", headers=headers(office.users["admin"]))
    links = _links(director.body)
    [request] = my_work(office, "admin", fiscal_year="2569")["organizations"][0]["approvals"]["change_requests"]
    name = office.org["name"]
    assert {f"/oit-procurement/{made['pending']['name']}", f"/oit/change-request/{request['id']}",
            "/oit/approvals", f"/organization/{name}/oit-compliance?fiscal_year=2569",
            f"/oit/{name}/2569/itas.csv", f"/oit/{name}/2569/itas.xlsx", f"/oit/{name}/2569/itas.html"} <= links
    # and each opens for the director: the dataset to approve, the change, the sheets, the dashboard
    for link in (f"/oit-procurement/{made['pending']['name']}", f"/oit/change-request/{request['id']}",
                 f"/organization/{name}/oit-compliance?fiscal_year=2569", f"/oit/{name}/2569/itas.csv",
                 f"/oit/{name}/2569/itas.xlsx"):
        assert app.get(link, headers=headers(office.users["admin"])).status_code == 200, link
    for link in [e for e in shown["due"] if e["create_url"]][:3]:
        assert app.get(link["create_url"], headers=headers(office.users["editor"])).status_code == 200


def test_visitors_are_sent_to_log_in(app):
    response = app.get("/oit/my-work", follow_redirects=False)
    assert response.status_code == 302
    url = urlsplit(response.headers["Location"])
    assert url.path == "/user/login" and parse_qs(url.query)["next"] == ["/oit/my-work"]


def _thai_shown(body: str) -> list[str]:
    page = BeautifulSoup(body, "html.parser")
    for option in page.select("option"):
        if option.get_text(strip=True) == "ไทย":  # the language switcher names Thai in Thai
            option.decompose()
    return sorted({m.group(0).strip() for m in re.finditer(r"[\u0e00-\u0e7f][\u0e00-\u0e7f ]*", page.get_text(" "))})


OUR_ENGLISH = ("My work", "Due and overdue", "Returned to me for changes", "Drafts", "Reason for return",
               "Waiting for my approval", "Compliance summary", "ITAS sheet (CSV)", "Add a dataset",
               "Director (organisation admin)", "Overdue", "Nothing is due.", "No drafts.")


def test_the_page_is_thai_first_and_english_at_en(app):
    """An agency whose data are English, so that /en/ must show no Thai at all."""
    users = {"editor": factories.User(fullname="Somchai Jaidee"), "admin": factories.User(fullname="Somying Director")}
    org = factories.Organization(title="Example Agency", users=[
        {"name": users["editor"]["name"], "capacity": "editor"}, {"name": users["admin"]["name"], "capacity": "admin"}])
    act = acting(users)
    make(act, "returned", org, "2025-12", reason="Fix the contract date", title="December summary")
    make(act, "pending", org, "2026-01", title="January summary")
    make(act, "changing", org, "2025-07", fiscal_year="2568", title="July summary")
    director = headers(users["admin"])

    thai = app.get("/oit/my-work?fiscal_year=2569", headers=director).body
    assert [msgid for msgid in OUR_ENGLISH if msgid in thai] == []
    for words in ("งานของฉัน", "ถึงกำหนดและเกินกำหนด", "เหตุผลที่ส่งกลับ", "รายการที่รอการอนุมัติของฉัน", "แบบตอบ ITAS (CSV)",
                  "เกินกำหนด", "ปีงบประมาณ พ.ศ. 2569"):
        assert words in thai, words

    english = app.get("/en/oit/my-work?fiscal_year=2569", headers=director).body
    assert _thai_shown(english) == []
    for words in OUR_ENGLISH[:-2] + ("Fiscal year 2569",):
        assert words in english, words
    assert "Fix the contract date" in english and "Returned by Somying Director" in english


# --- the ways in ----------------------------------------------------------------

def test_add_dataset_buttons_open_the_chooser_not_the_generic_form(app, work):
    office, _made = work
    editor = headers(office.users["editor"])
    chooser = "/oit/my-work/new"
    pages = {"dataset list": "/dataset/", "organisation": f"/organization/{office.org['name']}",
             "dashboard": "/dashboard/datasets"}
    for name, path in pages.items():
        links = _links(app.get(path, headers=editor).body)
        assert not [link for link in links if urlsplit(link).path == "/dataset/new"], name
        assert [link for link in links if urlsplit(link).path == chooser], name
    # on an organisation's page, the chooser is for that organisation (by id on CKAN 2.11, by name on 2.12)
    [button] = [urlsplit(link) for link in _links(app.get(f"/organization/{office.org['name']}", headers=editor).body)
                if urlsplit(link).path == chooser]
    assert model.Group.get(parse_qs(button.query)["organization"][0]).id == office.org["id"]
    assert "/oit/my-work" in _links(app.get("/dashboard/datasets", headers=editor).body)
    # a new editor's empty dashboard and profile offer the chooser where CKAN offers its form
    newcomer = factories.User()
    tk.get_action("organization_member_create")({"ignore_auth": True}, {
        "id": office.org["id"], "username": newcomer["name"], "role": "editor"})
    for path in ("/dashboard/datasets", f"/user/{newcomer['name']}"):
        page = BeautifulSoup(app.get(path, headers=headers(newcomer)).body, "html.parser")
        empty = page.select_one("p.empty")
        assert "คุณยังไม่ได้สร้างชุดข้อมูล" in empty.get_text() and empty.a["href"] == chooser, path
    # the generic form's address, typed or bookmarked, leads to the chooser too (on either version)
    for path in ("/dataset/new", "/en/dataset/new"):
        typed = app.get(path, headers=editor, follow_redirects=False)
        assert typed.status_code == 302 and urlsplit(typed.headers["Location"]).path.endswith(chooser), path


def test_the_chooser_lists_the_typed_forms_by_category_and_item(app, work):
    office, _made = work
    body = app.get(f"/oit/my-work/new?organization={office.org['name']}&fiscal_year=2569",
                   headers=headers(office.users["editor"])).body
    forms = {(urlsplit(link).path, parse_qs(urlsplit(link).query).get("item_key", [""])[0]):
             {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()} for link in _links(body)}
    assert forms[("/oit-procurement/new", MONTHLY)] == {
        "owner_org": office.org["id"], "item_key": MONTHLY, "fiscal_year": "2569"}
    # a report on the previous fiscal year is that year's disclosure
    assert forms[("/oit-budget/new", "operation-budget-annual-report")]["fiscal_year"] == "2568"
    assert forms[("/oit-hr/new", "")] == {"owner_org": office.org["id"]}  # the form of the category, any item
    assert "การจัดซื้อจัดจ้างหรือการจัดหาพัสดุ" in body  # the category, in Thai
    assert app.get("/oit/my-work/new", follow_redirects=False).status_code == 302  # visitors log in first
    assert app.get("/oit/my-work/new", headers=headers(office.users["stranger"])).status_code == 403


def test_the_landing_page_offers_the_editors_a_create_link_per_missing_period(app, work):
    office, _made = work
    path = f"/oit/{office.org['name']}/2569/{MONTHLY}"

    def create_links(who) -> list[dict[str, str]]:
        with freeze_time(MID_MARCH):  # an API token made under a frozen clock is not accepted: a session is
            browser = app.test_client()
            if who:
                assert _login(browser, office.users[who]).status_code == 302
            body = browser.get(path).body
        return [{k: v[0] for k, v in parse_qs(urlsplit(a["href"]).query).items()}
                for a in BeautifulSoup(body, "html.parser").select("a.oit-create")]

    editor = create_links("editor")
    # Oct published, Nov a draft, Dec returned, Jan pending; April has not begun on 15 March
    assert [link["period"] for link in editor] == ["2026-02", "2026-03"]
    assert editor[0] == {"owner_org": office.org["id"], "item_key": MONTHLY, "fiscal_year": "2569",
                         "period": "2026-02"}
    assert create_links("admin") == editor
    for who in (None, "member", "other_editor", "stranger"):
        assert create_links(who) == [], who


def test_the_header_links_staff_to_my_work_with_what_waits(app, work):
    office, _made = work
    for role in ("editor", "admin"):
        page = BeautifulSoup(app.get("/dataset/", headers=headers(office.users[role])).body, "html.parser")
        link = page.select_one("li.oit-my-work-link a")
        assert link["href"] == "/oit/my-work"
        todo = my_work(office, role)["todo"]
        assert todo > 0 and link.select_one(".badge").get_text(strip=True) == str(todo)
        assert "รายการที่ต้องทำ" in link.get_text(" ")
    for role in ("member", "stranger"):
        assert "oit-my-work-link" not in app.get("/dataset/", headers=headers(office.users[role])).body
    assert "oit-my-work-link" not in app.get("/dataset/").body
