"""Issue 12, "CSRF" and "no request to another site": every POST endpoint of
ours refuses a browser session's POST without the page's token, or from another
site, and changes nothing; with the token it goes through, whatever
``ckan.csrf_protection.ignore_extensions`` says. Cookie-authenticated Action API
writes need the token too. Session cookies are HttpOnly, SameSite=Lax and, on an
HTTPS site, Secure. Logged-in pages load nothing from another host (no gravatar).
Everything through real login forms, real services."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import audit
from ckanext.oit.channels.model import Complaint, ComplaintOfficer, Feedback, Question
from support.channels import CATEGORY, DESCRIPTION, file_complaint

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "fresh_limits")

PASSWORD = "Csrf-test-pass-2568"
QUESTION = "ขอทราบกำหนดการรับสมัครครูอัตราจ้าง"
ANSWER = "เปิดรับสมัครวันที่ 1–15 พฤศจิกายน 2568"
OPINION = "ควรเผยแพร่แผนจัดซื้อเป็นไฟล์ CSV"
RESPONSE = "หน่วยงานจะเผยแพร่เป็น CSV ตั้งแต่เดือนหน้า"
FOREIGN = "https://evil.example.com"


@pytest.fixture
def web(request, ckan_config, monkeypatch, make_app):
    """The app with ckan.csrf_protection.ignore_extensions as the parameter says:
    CKAN's default (True, extensions exempt) or ours (False, config/*.ini.in)."""
    from ckan.config.middleware import flask_app

    monkeypatch.setitem(ckan_config, "ckan.csrf_protection.ignore_extensions", request.param)
    # CKAN's CSRFProtect is one per process and keeps the exemptions of an app made before
    monkeypatch.setattr(flask_app.csrf, "_exempt_blueprints", set())
    return make_app()


def post_login(browser, user: dict, **extra):
    """The login form posted as a browser does (its token, then the form); the user
    gets a known password and, as people created in the portal, no picture."""
    db_user = model.User.get(user["name"])
    db_user.password = PASSWORD
    db_user.image_url = ""
    model.Session.commit()
    token = field_token(browser.get("/user/login").body, "/user/login", "/user/login")
    return browser.post("/user/login", data=dict(login=user["name"], password=PASSWORD, _csrf_token=token, **extra),
                        follow_redirects=False)


def login(app, user: dict | None):
    """A browser (its own cookie jar) logged in through the login form; anonymous for None."""
    browser = app.test_client()
    if user is not None:
        done = post_login(browser, user)
        assert done.status_code == 302 and done.headers["Location"].endswith("/oit/my-work"), done.body
    return browser


def field_token(body: str, action: str, page: str | None = None) -> str:
    """The CSRF token of the page's form posting to ``action`` (a form without an
    action posts to its own ``page``)."""
    soup = BeautifulSoup(body, "html.parser")
    forms = [f for f in soup.find_all("form") if urlsplit(f.get("action") or page or "").path == action]
    assert forms, (f"no form posting to {action}", [f.get("action") for f in soup.find_all("form")])
    field = forms[0].find("input", {"name": "_csrf_token"})
    assert field is not None, f"the form posting to {action} has no CSRF token"
    return field["value"]


# --- the POST endpoints -----------------------------------------------------------------

@dataclass
class Case:
    role: str                    # who is logged in ("anonymous": nobody)
    page: str                    # the page whose form posts to url
    url: str
    data: dict[str, Any]
    state: Callable[[], Any]     # read from the database
    after: Any                   # the state once the POST went through
    status: int = 302
    shows: str | None = None     # text only the accepted answer shows
    writes: bool = True          # False for the status lookup: it only reads
    form_on_page: bool = True    # False: the form is on a page a POST shows; the page's meta token serves


def _dataset_status(dataset_id: str) -> tuple[str, int]:
    shown = tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset_id})
    return shown["oit_status"], len(audit.events(package_id=dataset_id))


def _transition(people, state: str, transition: str, role: str, after: str) -> Case:
    dataset = people.dataset(state)
    data = {"comment": "แก้ไขวันที่สัญญา"} if transition in ("return", "withdraw") else {}
    events = len(audit.events(package_id=dataset["id"]))
    return Case(role, f"/oit-procurement/{dataset['name']}", f"/dataset/{dataset['name']}/oit/{transition}", data,
                lambda: _dataset_status(dataset["id"]), (after, events + 1))


def _officers(people) -> set[str]:
    rows = model.Session.query(model.User.name).join(ComplaintOfficer, ComplaintOfficer.user_id == model.User.id) \
        .filter(ComplaintOfficer.owner_org == people.org["id"])
    return {name for (name,) in rows}


def _scalar(column, id_: str):
    return model.Session.query(column).filter_by(id=id_).scalar()


def _complaint_status(people) -> Case:
    file_complaint(people.org)
    complaint_id = model.Session.query(Complaint.id).scalar()
    url = f"/oit/complaints/{complaint_id}"
    return Case("officer", url, url, {"status": "in_progress", "forwarded_to": "", "closure": "", "outcome": "",
                                      "officer_note": ""},
                lambda: _scalar(Complaint.status, complaint_id), "in_progress")


def _officer_change(people, decision: str) -> Case:
    url = f"/oit/{people.org['name']}/complaints/officers"
    officer, editor = people.users["officer"]["name"], people.users["editor"]["name"]
    user, after = (editor, {officer, editor}) if decision == "add" else (officer, set())
    return Case("admin", url, url, {"decision": decision, "user": user}, lambda: _officers(people), after)


def _question_answer(people) -> Case:
    question = tk.get_action("oit_question_create")({"user": ""}, {
        "organization": people.org["name"], "question": QUESTION})
    return Case("editor", f"/oit/{people.org['name']}/questions/moderate", f"/oit/questions/{question['id']}/answer",
                {"answer": ANSWER, "decision": "publish"},
                lambda: (_scalar(Question.state, question["id"]), _scalar(Question.answer, question["id"])),
                ("published", ANSWER))


def _feedback_respond(people) -> Case:
    created = tk.get_action("oit_feedback_create")({"user": ""}, {
        "organization": people.org["name"], "message": OPINION})
    return Case("admin", f"/oit/{people.org['name']}/feedback/moderate", f"/oit/feedback/{created['id']}/respond",
                {"response": RESPONSE, "decision": "publish"},
                lambda: (_scalar(Feedback.state, created["id"]), _scalar(Feedback.response, created["id"])),
                ("published", RESPONSE))


def _count(table) -> Callable[[], int]:
    return lambda: model.Session.query(table).count()


def _public(people, form: str, role: str) -> Case:
    org = people.org["name"]
    if form == "question":
        url = f"/oit/{org}/questions"
        return Case(role, url, url, {"question": QUESTION, "website": ""}, _count(Question), 1)
    if form == "feedback":
        url = f"/oit/{org}/feedback"
        return Case(role, url, url, {"message": OPINION, "website": ""}, _count(Feedback), 1)
    if form == "complaint":
        url = f"/oit/{org}/complaints/new"
        return Case(role, url, url, {"category": CATEGORY, "description": DESCRIPTION, "anonymous": "true",
                                     "privacy_accepted": "true", "website": ""}, _count(Complaint), 1, status=200,
                    shows="oit-tracking-code")
    code = file_complaint(people.org)["tracking_code"]
    url = "/oit/complaints/status"
    return Case(role, url, url, {"tracking_code": code}, _count(Complaint), 1, status=200, shows="รับเรื่องแล้ว",
                writes=False)


def _itas_explanation(people) -> Case:
    from ckanext.oit.compliance.model import ItasExplanation

    org = people.org["name"]
    text = "อยู่ระหว่างรวบรวมเอกสาร"
    return Case("admin", f"/oit/{org}/2569/itas.html", f"/oit/{org}/2569/itas/explanation",
                {"item_key": "procurement-monthly-summary", "text": text},
                lambda: model.Session.query(ItasExplanation.text).filter_by(
                    owner_org=people.org["id"], fiscal_year=2569, item_key="procurement-monthly-summary").scalar(),
                text)


def _records_fetch(people) -> Case:
    """The resource page's "fetch and validate" of a linked table: queued, not yet run."""
    dataset = people.dataset("draft")
    resource = tk.get_action("resource_create")(people.context("editor"), {
        "package_id": dataset["id"], "name": "แบบ สขร.1 (ลิงก์)", "url": "http://example.go.th/sor-kor-ror-1.csv",
        "format": "CSV"})
    return Case("editor", f"/oit-procurement/{dataset['name']}/resource/{resource['id']}",
                f"/oit/resource/{resource['id']}/fetch", {},
                lambda: tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})[
                    "oit_records"]["status"], "queued")


def _edition(people, step: str) -> Case:
    """The sysadmin's OIT editions page: its four forms."""
    from ckanext.oit.frameworks.model import FiscalYearEdition, StoredEdition

    page = "/ckan-admin/oit-editions/"
    if step == "load":  # a check only: without a file it says so, and nothing is stored
        return Case("sysadmin", page, page + "load", {"comment": "ตรวจไฟล์"}, _count(StoredEdition), 0, status=200,
                    shows="เลือกไฟล์รายการของรอบที่จะนำเข้า", writes=False)
    text = tk.get_action("oit_edition_export")({}, {"edition": "2569"})["content"]
    if step == "confirm":
        return Case("sysadmin", page, page + "confirm", {"document": text}, _count(StoredEdition), 1,
                    form_on_page=False)
    if step == "reset":
        tk.get_action("oit_edition_load")(people.context("sysadmin"), {"content": text, "confirm": True})
        return Case("sysadmin", page, page + "reset", {"edition": "2569"}, _count(StoredEdition), 0)
    return Case("sysadmin", page, page + "year", {"fiscal_year": "2570", "edition": "2569"},
                lambda: model.Session.query(FiscalYearEdition.edition).filter_by(fiscal_year=2570).scalar(), "2569")


CASES: dict[str, Callable[[Any], Case]] = {
    "submit": lambda p: _transition(p, "draft", "submit", "editor", "pending"),
    "approve": lambda p: _transition(p, "pending", "approve", "admin", "published"),
    "return": lambda p: _transition(p, "pending", "return", "admin", "returned"),
    "withdraw": lambda p: _transition(p, "published", "withdraw", "admin", "withdrawn"),
    "complaint-status": _complaint_status,
    "officer-add": lambda p: _officer_change(p, "add"),
    "officer-remove": lambda p: _officer_change(p, "remove"),
    "question-answer": _question_answer,
    "feedback-respond": _feedback_respond,
    "itas-explanation": _itas_explanation,
    "records-fetch": _records_fetch,
    **{f"edition-{step}": (lambda p, step=step: _edition(p, step)) for step in ("load", "confirm", "reset", "year")},
}
for _form in ("question", "feedback", "complaint", "status-lookup"):
    for _role in ("anonymous", "member"):
        CASES[f"{_form}-{_role}"] = lambda p, form=_form, role=_role: _public(p, form, role)


def _under_both(names) -> list:
    """Every case under CKAN's default; a few under the option off too (our checks do not depend on it)."""
    return [pytest.param(True, name, id=f"extensions-exempt-{name}") for name in names] + [
        pytest.param(False, name, id=f"extensions-checked-{name}") for name in names
        if name in ("submit", "complaint-status", "officer-add", "question-anonymous", "complaint-member")]


@pytest.mark.parametrize("web, name", _under_both(CASES), indirect=["web"])
def test_a_post_without_the_token_is_refused_and_with_it_goes_through(web, name, people):
    case = CASES[name](people)
    browser = login(web, people.users[case.role])
    before = case.state()
    assert (before != case.after) == case.writes

    refused = browser.post(case.url, data=case.data, follow_redirects=False)
    assert refused.status_code == 400 and "The CSRF token is missing" in refused.body
    assert case.state() == before
    wrong = browser.post(case.url, data=dict(case.data, _csrf_token="forged"), follow_redirects=False)
    assert wrong.status_code == 400 and "The CSRF token is invalid" in wrong.body
    assert case.state() == before
    if case.shows:
        assert case.shows not in refused.body and case.shows not in wrong.body

    page = browser.get(case.page)
    assert page.status_code == 200
    token = field_token(page.body, case.url) if case.form_on_page else BeautifulSoup(
        page.body, "html.parser").find("meta", {"name": "_csrf_token"})["content"]
    done = browser.post(case.url, data=dict(case.data, _csrf_token=token), follow_redirects=False)
    assert done.status_code == case.status, done.body
    assert case.state() == case.after
    if case.shows:
        assert case.shows in done.body


@pytest.mark.parametrize("web, name", [pytest.param(ignore, name, id=f"{name}-{ignore}") for ignore, name in (
    (True, "approve"), (True, "officer-add"), (True, "question-anonymous"), (False, "approve"))], indirect=["web"])
def test_a_post_from_another_site_is_refused_even_with_the_token(web, name, people):
    case = CASES[name](people)
    browser = login(web, people.users[case.role])
    before = case.state()
    data = dict(case.data, _csrf_token=field_token(browser.get(case.page).body, case.url))
    for headers in ({"Origin": FOREIGN}, {"Referer": f"{FOREIGN}/oit-form.html"},
                    {"Origin": FOREIGN, "Referer": f"{tk.config['ckan.site_url']}/"}):
        refused = browser.post(case.url, data=data, headers=headers, follow_redirects=False)
        assert refused.status_code == 400 and "คำขอมาจากเว็บไซต์อื่น" in refused.body, headers
        assert case.state() == before
    # without the token as well
    refused = browser.post(case.url, data=case.data, headers={"Origin": FOREIGN}, follow_redirects=False)
    assert refused.status_code == 400 and case.state() == before
    # the site's own form (Origin of ckan.site_url) goes through
    done = browser.post(case.url, data=data, headers={"Origin": tk.config["ckan.site_url"]},
                        follow_redirects=False)
    assert done.status_code == case.status and case.state() == case.after


def test_an_api_token_needs_no_csrf_token(people, app):
    """Scripts with an API token: no session, nothing a browser adds by itself, no CSRF check (as CKAN)."""
    case = CASES["officer-add"](people)
    token = tk.get_action("api_token_create")({"user": people.users["admin"]["name"]}, {
        "user": people.users["admin"]["name"], "name": "script"})["token"]
    done = app.test_client().post(case.url, data=case.data, headers={"Authorization": token},
                                  follow_redirects=False)
    assert done.status_code == 302 and case.state() == case.after
    # a made-up token is no login: the check applies, nothing changes
    removed = dict(case.data, decision="remove")
    refused = app.test_client().post(case.url, data=removed, headers={"Authorization": "not-a-token"},
                                     follow_redirects=False)
    assert refused.status_code == 400 and case.state() == case.after


# each POST route of our blueprints and the cases above that post to it
ROUTES = {
    "/dataset/<id>/oit/<transition>": ("submit", "approve", "return", "withdraw"),
    "/oit/complaints/<id>": ("complaint-status",),
    "/oit/<org>/complaints/officers": ("officer-add", "officer-remove"),
    "/oit/questions/<id>/answer": ("question-answer",),
    "/oit/feedback/<id>/respond": ("feedback-respond",),
    "/oit/<org>/<int:fiscal_year>/itas/explanation": ("itas-explanation",),
    "/oit/resource/<resource_id>/fetch": ("records-fetch",),
    "/oit/<org>/questions": ("question-anonymous", "question-member"),
    "/oit/<org>/feedback": ("feedback-anonymous", "feedback-member"),
    "/oit/<org>/complaints/new": ("complaint-anonymous", "complaint-member"),
    "/oit/complaints/status": ("status-lookup-anonymous", "status-lookup-member"),
    "/ckan-admin/oit-editions/load": ("edition-load",),
    "/ckan-admin/oit-editions/confirm": ("edition-confirm",),
    "/ckan-admin/oit-editions/reset": ("edition-reset",),
    "/ckan-admin/oit-editions/year": ("edition-year",),
}


def test_every_post_route_of_ours_is_tested_above(app):
    """A new POST route of ours fails here until a case above posts to it."""
    from ckanext.oit.portal import csrf

    ours = csrf.ours(app.flask_app)
    posted = {rule.rule for rule in app.flask_app.url_map.iter_rules()
              if "POST" in rule.methods and rule.endpoint.split(".")[0] in ours}
    assert posted == set(ROUTES)
    assert {name for names in ROUTES.values() for name in names} == set(CASES)


def test_every_post_form_of_ours_carries_the_token():
    """Each <form method="post"> in our templates renders h.csrf_input() inside it."""
    import re
    from pathlib import Path

    import ckanext.oit

    templates = Path(ckanext.oit.__file__).parent / "templates"
    forms = 0
    for path in sorted(templates.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<form\b[^>]*>(.*?)</form>", text, re.S | re.I):
            if re.search(r"""method=["']?post""", match.group(0)[:match.group(0).index(">")], re.I):
                forms += 1
                assert "h.csrf_input()" in match.group(1), f"{path.relative_to(templates)}: a POST form, no token"
    assert forms >= 8  # the scan found our forms (the queues and officer rows share theirs)


# --- the Action API with the session cookie ----------------------------------------------

def test_a_cookie_authenticated_api_write_needs_the_token(people, app):
    """CKAN 2.11 checks the token on its api blueprint for cookie sessions; our actions go through it."""
    dataset = people.dataset("draft")
    browser = login(app, people.users["editor"])
    before = _dataset_status(dataset["id"])
    for body in ({"json": {"id": dataset["id"]}}, {"data": {"id": dataset["id"]}}):
        refused = browser.post("/api/3/action/oit_submit", **body)
        assert refused.status_code == 400 and "The CSRF token is missing" in refused.body
        assert _dataset_status(dataset["id"]) == before
    refused = browser.post("/api/3/action/oit_submit", json={"id": dataset["id"]}, headers={"Origin": FOREIGN})
    assert refused.status_code == 400 and _dataset_status(dataset["id"]) == before
    # CKAN's own pages send the token from <meta name="_csrf_token"> in a header
    page = BeautifulSoup(browser.get("/dashboard/datasets").body, "html.parser")
    token = page.find("meta", {"name": "_csrf_token"})["content"]
    done = browser.post("/api/3/action/oit_submit", json={"id": dataset["id"]}, headers={"X-CSRFToken": token})
    assert done.status_code == 200 and done.json["success"] is True
    assert _dataset_status(dataset["id"]) == ("pending", before[1] + 1)


# --- session cookies ---------------------------------------------------------------------

def _cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def _login_response(app, people, **extra):
    return post_login(app.test_client(), people.users["editor"], **extra)


def _attributes(cookie: str) -> set[str]:
    return {part.strip().lower() for part in cookie.split(";")[1:]}


def test_session_cookies_are_http_only_and_same_site_lax(people, app):
    response = _login_response(app, people, remember="63072000")
    assert response.status_code == 302
    cookies = _cookies(response)
    for name in (tk.config["SESSION_COOKIE_NAME"], tk.config["REMEMBER_COOKIE_NAME"]):
        attributes = _attributes(cookies[name])
        assert {"httponly", "samesite=lax"} <= attributes, cookies[name]
        assert "secure" not in attributes  # the test site is http: a Secure cookie would never come back


@pytest.mark.ckan_config("ckan.site_url", "https://oit.example.go.th")
def test_on_an_https_site_the_session_cookies_are_secure(people, app):
    response = _login_response(app, people, remember="63072000")
    assert response.status_code == 302
    cookies = _cookies(response)
    for name in (tk.config["SESSION_COOKIE_NAME"], tk.config["REMEMBER_COOKIE_NAME"]):
        assert {"secure", "httponly", "samesite=lax"} <= _attributes(cookies[name]), cookies[name]


@pytest.mark.ckan_config("SESSION_COOKIE_SAMESITE", "None")
@pytest.mark.ckan_config("REMEMBER_COOKIE_SAMESITE", "None")
@pytest.mark.ckan_config("SESSION_COOKIE_HTTPONLY", False)
def test_an_ini_cannot_weaken_the_cookies(people, app):
    cookies = _cookies(_login_response(app, people, remember="63072000"))
    for name in (tk.config["SESSION_COOKIE_NAME"], tk.config["REMEMBER_COOKIE_NAME"]):
        assert {"httponly", "samesite=lax"} <= _attributes(cookies[name]), cookies[name]


# --- no request to another site --------------------------------------------------------------

def _foreign_loads(body: str) -> list[str]:
    """URLs of another host that the page makes the browser load (img, script, link, iframe)."""
    own = urlsplit(tk.config["ckan.site_url"]).hostname
    soup = BeautifulSoup(body, "html.parser")
    found = []
    for tag, attribute in (("img", "src"), ("img", "srcset"), ("script", "src"), ("link", "href"),
                           ("iframe", "src"), ("source", "src"), ("source", "srcset")):
        for element in soup.find_all(tag):
            for url in (element.get(attribute) or "").replace(",", " ").split():
                host = urlsplit(url).hostname
                if host and host != own:
                    found.append(url)
    return found


@pytest.mark.parametrize("role", ["editor", "admin", "sysadmin"])
def test_logged_in_pages_load_nothing_from_another_site(people, app, role):
    dataset = people.dataset("published")
    # the factories give people and organisations pictures on other sites; the portal's have none
    # (a picture URL someone typed in is theirs to choose, not a request our pages add)
    model.Session.query(model.User).update({"image_url": ""})
    model.Session.query(model.Group).update({"image_url": ""})
    model.Session.commit()
    browser = login(app, people.users[role])
    name = people.users[role]["name"]
    for url in ("/dashboard/datasets", "/dashboard/organizations", f"/oit-procurement/{dataset['name']}",
                f"/organization/{people.org['name']}", f"/user/{name}", "/user/", f"/oit/{people.org['name']}"):
        page = browser.get(url)
        assert page.status_code == 200, url
        assert _foreign_loads(page.body) == [], url
        assert "gravatar.com" not in page.body, url


def test_a_ckan_form_posted_by_a_session_needs_the_token_after_anonymous_visits(people, app):
    """CKAN 2.12.0 exempts a view from its CSRF check for good once an anonymous request has
    reached it; the organisation's member form must still refuse a logged-in director's post
    without the token (a cross-origin page making the director add an admin)."""
    org = people.org["name"]
    from ckan.tests import factories

    intruder = factories.User()
    app.test_client().get(f"/organization/member_new/{org}")  # anonymous: exempts the view on 2.12.0
    browser = login(app, people.users["admin"])
    refused = browser.post(f"/organization/member_new/{org}", data={"username": intruder["name"], "role": "admin"})
    assert refused.status_code == 400
    members = tk.get_action("member_list")({"ignore_auth": True}, {"id": org, "object_type": "user"})
    assert intruder["id"] not in {user_id for user_id, _type, _role in members}
