"""One language a page: our pages at /en/ show no Thai (the data here is English), our Thai
pages show none of our English msgids (the catalogue and templates behind them: tests/unit/i18n)."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories
from ckan.tests.helpers import call_action

THAI = re.compile("[\u0e00-\u0e7f]")

# English msgids of ours, each on one of the pages below; none may reach a Thai page
OUR_ENGLISH = (
    "Public information of government agencies", "Latest publications", "OIT categories",
    "Open information (OIT)", "Choose the fiscal year", "Print view", "Publication status",
    "Approval history", "Waiting for my approval", "Submitted datasets", "Returned to me for changes",
    "Privacy notice", "Send the complaint", "Questions and answers", "Ask a question",
    "Give your opinion", "Follow your complaint", "Overdue and missing", "Progress by category",
    "The dataset becomes public only when the director approves it.",
)


@pytest.fixture
def agency(clean_db, clean_index):
    """An agency whose names are all English: an editor, a director, a published procurement
    summary with a CSV, a pending one and a returned one."""
    factories.User(name="editor_en", fullname="Somchai Jaidee")
    factories.User(name="director_en", fullname="Somying Director")
    org = factories.Organization(name="agency-en", title="Example Agency", description="An example agency",
                                 users=[{"name": "editor_en", "capacity": "editor"},
                                        {"name": "director_en", "capacity": "admin"}])

    def summary(period: str, state: str) -> dict:
        dataset = call_action("package_create", {"user": "editor_en"}, type="oit-procurement",
                              owner_org=org["id"], item_key="procurement-monthly-summary", fiscal_year="2569",
                              period=period, title=f"Procurement summary {period}", notes="Monthly summary",
                              resources=[{"name": "summary", "url": "http://example.go.th/summary.csv",
                                          "format": "CSV"}])
        # the CSV is a link the portal has not validated: submitted and approved all the same
        call_action("oit_submit", {"user": "editor_en"}, id=dataset["id"], confirm_tables=True)
        if state == "published":
            call_action("oit_approve", {"user": "director_en"}, id=dataset["id"], confirm_tables=True)
        elif state == "returned":
            call_action("oit_return", {"user": "director_en"}, id=dataset["id"], comment="Fix the date")
        return call_action("package_show", {"ignore_auth": True}, id=dataset["id"])

    published = summary("2025-10", "published")
    summary("2025-11", "pending")
    summary("2025-12", "returned")

    def headers(user: str) -> dict[str, str]:
        return {"Authorization": factories.APIToken(user=user)["token"]}

    return {"org": org, "dataset": published, "editor": headers("editor_en"),
            "director": headers("director_en")}


def _pages(agency) -> dict[str, tuple[str, dict]]:
    org, ds = agency["org"]["name"], agency["dataset"]["name"]
    res = agency["dataset"]["resources"][0]["id"]
    public, editor, director = {}, agency["editor"], agency["director"]
    return {
        "home": ("/", public),
        "OIT page": (f"/oit/{org}", public),
        "OIT page in print": (f"/oit/{org}/2569/print", public),
        "item landing": (f"/oit/{org}/2569/procurement-monthly-summary", public),
        "dataset": (f"/oit-procurement/{ds}", director),
        "resource": (f"/oit-procurement/{ds}/resource/{res}", public),
        "dataset form": ("/oit-procurement/new", editor),
        "organisation": (f"/organization/{org}", public),
        "compliance dashboard": (f"/organization/{org}/oit-compliance", director),
        "questions": (f"/oit/{org}/questions", public),
        "complaint form": (f"/oit/{org}/complaints/new", public),
        "complaint status": ("/oit/complaints/status", public),
        "feedback": (f"/oit/{org}/feedback", public),
        "approvals": ("/oit/approvals", director),
        "returned": ("/oit/returned", editor),
    }


def _thai_shown(body: str, skip: str | None = None) -> list[str]:
    """The Thai in ``body`` but for the language switcher's own name, the machine values of form
    controls and the ids made of them (the data.go.th vocabulary is stored in Thai), and ``skip``
    (a CSS selector). What a reader or a screen reader gets (text, aria-label, title) stays."""
    page = BeautifulSoup(body, "html.parser")
    for element in page.select(skip) if skip else ():
        element.decompose()
    for option in page.select("option"):
        if option.get_text(strip=True) == "ไทย":  # the switcher names each language in itself
            option.decompose()
    for element in page.find_all(True):
        for machine in ("value", "id", "for", "name"):
            element.attrs.pop(machine, None)
    return sorted({m.group(0).strip() for m in re.finditer(r"[\u0e00-\u0e7f][\u0e00-\u0e7f ]*", str(page))})


def test_english_pages_show_no_thai(app, agency):
    left = {}
    for name, (path, headers) in _pages(agency).items():
        response = app.get("/en" + path, headers=headers)
        assert response.status_code == 200, name
        # the complaint categories: see the next test
        if found := _thai_shown(response.body, skip="#field-category option"):
            left[name] = found
    assert not left, f"Thai on English pages: {left}"
    home = app.get("/en/").body
    assert "Public information of government agencies" in home and "Latest publications" in home


def test_the_complaint_categories_are_english_at_en(app, agency):
    body = app.get(f"/en/oit/{agency['org']['name']}/complaints/new").body
    options = [o.get_text(strip=True) for o in BeautifulSoup(body, "html.parser").select("#field-category option")]
    assert len(options) > 1 and not [text for text in options if THAI.search(text)]


def test_thai_pages_show_none_of_our_english(app, agency):
    shown = {}
    bodies = {}
    for name, (path, headers) in _pages(agency).items():
        response = app.get(path, headers=headers)
        assert response.status_code == 200, name
        bodies[name] = response.body
        if found := [msgid for msgid in OUR_ENGLISH if msgid in response.body]:
            shown[name] = found
    assert not shown, f"our English on Thai pages: {shown}"
    # and the pages do say it in Thai
    assert "ข้อมูลสาธารณะของหน่วยงานภาครัฐ" in bodies["home"]
    assert "ประกาศความเป็นส่วนตัว" in bodies["complaint form"]
    assert "รายการที่รอการอนุมัติของฉัน" in bodies["approvals"]
