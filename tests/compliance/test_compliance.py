"""The compliance monitor, with a frozen clock."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time

import ckan.plugins.toolkit as tk

from support.jobs import run_jobs

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def make(office, state: str, **data):
    dataset = office.act("editor", "package_create", owner_org=office.org["id"], **data)
    if state in ("pending", "published"):
        office.act("editor", "oit_submit", id=dataset["id"])
    if state == "published":
        office.act("admin", "oit_approve", id=dataset["id"])
    return dataset


def periods(result, key):
    item = next(i for i in result["items"] if i["key"] == key)
    return {p["period"]: p for p in item["periods"]}


# The 2567 list's procurement plan and monitoring rounds: a fiscal year that edition serves.
@freeze_time("2024-03-15")
def test_fy_2567_as_of_15_march_2024(office):
    for month in ("2023-10", "2023-11", "2023-12", "2024-01"):
        make(office, "published", type="oit-procurement", item_key="procurement-monthly-summary",
             fiscal_year="2567", period=month)
    make(office, "pending", type="oit-procurement", item_key="procurement-plan", fiscal_year="2567")
    make(office, "published", type="oit-budget", item_key="operation-budget-annual-report", fiscal_year="2566")

    result = tk.get_action("oit_compliance_show")({"user": office.users["admin"]["name"]},
                                                  {"id": office.org["name"], "fiscal_year": "2567"})
    assert result["as_of"] == "2024-03-15" and result["edition"] == "2567" and not result["provisional"]
    assert len(result["items"]) == 43

    monthly = periods(result, "procurement-monthly-summary")
    assert [monthly[m]["status"] for m in ("2023-10", "2023-11", "2023-12", "2024-01")] == ["published"] * 4
    assert monthly["2024-02"]["status"] == "overdue"
    assert monthly["2024-03"]["status"] == "not_yet_due"
    assert monthly["2023-10"]["datasets"][0]["name"]

    rounds = periods(result, "operation-budget-round-report")
    assert rounds["round-1"]["due"] <= "2024-03-15"            # the 5-month round has ended: it is due
    assert rounds["round-1"]["status"] == "overdue"
    assert rounds["round-2"]["status"] == "not_yet_due"

    previous = periods(result, "operation-budget-annual-report")
    assert previous["year"]["fiscal_year"] == 2566 and previous["year"]["status"] == "published"

    plan = periods(result, "procurement-plan")
    assert plan["year"]["status"] == "pending"                   # pending does not count as published
    published = sum(p["status"] == "published" for i in result["items"] for p in i["periods"])
    assert result["published"] == published == 5
    assert 0 < result["score"] < 1


@freeze_time("2024-03-15")   # the procurement plan is a 2567-list item
def test_outsiders_see_only_what_is_published(office):
    make(office, "pending", type="oit-procurement", item_key="procurement-plan", fiscal_year="2567")
    public = tk.get_action("oit_compliance_show")({"user": ""}, {"id": office.org["name"]})
    assert public["fiscal_year"] == 2567
    assert periods(public, "procurement-plan")["year"]["status"] == "overdue"
    assert periods(public, "procurement-plan")["year"]["datasets"] == []


def test_every_item_has_a_public_landing_page(office, app):
    published = make(office, "published", type="oit-procurement", item_key="procurement-monthly-summary",
                     fiscal_year="2569", period="2025-10")
    draft = make(office, "draft", type="oit-procurement", item_key="procurement-monthly-summary",
                 fiscal_year="2569", period="2025-11")
    edition = tk.get_action("oit_framework_show")({}, {"fiscal_year": 2569})
    for item in edition["items"]:
        url = f"/oit/{office.org['name']}/2569/{item['key']}"
        assert app.get(url).status_code == 200, url
    page = app.get(f"/oit/{office.org['name']}/2569/procurement-monthly-summary").body
    assert published["name"] in page and draft["name"] not in page
    assert "เดือนตุลาคม 2568" in page
    assert app.get(f"/oit/{office.org['name']}/2569/no-such-item").status_code == 404
    assert app.get("/oit/no-such-org/2569/procurement-monthly-summary").status_code == 404


def test_the_itas_export_of_the_demo_agency(app, cli):
    from ckan.cli.cli import ckan as ckan_command
    from ckanext.oit_demo import agency as demo

    assert cli.invoke(ckan_command, ["oit-demo"]).exit_code == 0
    org = demo.ORGANIZATION["name"]
    sheet = tk.get_action("oit_itas_export")({"user": ""}, {"id": org, "fiscal_year": "2569"})
    edition = tk.get_action("oit_framework_show")({}, {"fiscal_year": 2569})
    assert [r["code"] for r in sheet["rows"]] == [i["code"] for i in edition["items"]]
    assert len(sheet["rows"]) == 26
    # nothing published; the director and staff answer Q&A (2569 O3 contact and questions) and
    # feedback (O19 participation) on the portal; no complaint officer is designated yet (O17)
    # and no e-service address is set (O10)
    assert {r["code"]: r["key"] for r in sheet["rows"] if r["code"] in ("O3", "O19")} == {
        "O3": "contact-and-questions", "O19": "participation"}
    assert {r["code"]: r["answer"] for r in sheet["rows"]} == {
        r["code"]: "มี" if r["code"] in ("O3", "O19") else "ไม่มี" for r in sheet["rows"]}
    for row in sheet["rows"]:
        path = row["url"].replace("http://test.ckan.net", "")
        assert path.startswith(f"/oit/{org}/2569/") and app.get(path).status_code == 200, path

    tk.get_action("oit_itas_explanation_update")({"user": "director"}, {
        "id": org, "fiscal_year": "2569", "item_key": sheet["rows"][0]["key"], "text": "อยู่ระหว่างปรับปรุง"})
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("oit_itas_explanation_update")({"user": "staff"}, {
            "id": org, "fiscal_year": "2569", "item_key": sheet["rows"][0]["key"], "text": "x"})
    body = app.get(f"/oit/{org}/2569/itas.csv").get_data()
    assert body.startswith("\ufeff".encode())
    lines = body.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + len(edition["items"]) and "อยู่ระหว่างปรับปรุง" in lines[1]
    assert app.get(f"/oit/{org}/2569/itas.xlsx").status_code == 200
    assert "อยู่ระหว่างปรับปรุง" in app.get(f"/oit/{org}/2569/itas.html").body


@freeze_time("2026-03-15")
def test_remind_sends_the_digest_once(office, cli, mail_queue, mailbox):
    from ckan.cli.cli import ckan as ckan_command

    make(office, "published", type="oit-procurement", item_key="procurement-monthly-summary",
         fiscal_year="2569", period="2025-10")
    first = cli.invoke(ckan_command, ["oit", "remind"])
    assert first.exit_code == 0, first.output
    run_jobs()
    ours = [m for m in mailbox.mails if office.org["title"] in m.subject]
    assert sorted(m.to[0] for m in ours) == sorted(
        [office.users["editor"]["email"], office.users["admin"]["email"]])
    body = ours[0].body
    assert "เกินกำหนด" in body and "พฤศจิกายน 2568" in body and "ตุลาคม 2568" not in body.split("\n")[1]

    again = cli.invoke(ckan_command, ["oit", "remind"])
    assert again.exit_code == 0 and "0 organisation(s) reminded" in again.output
    run_jobs()
    assert len([m for m in mailbox.mails if office.org["title"] in m.subject]) == len(ours)


@freeze_time("2026-11-02")
def test_remind_tells_the_sysadmins_once_that_the_year_has_no_confirmed_edition(office, cli, mail_queue, mailbox):
    from ckan.cli.cli import ckan as ckan_command

    first = cli.invoke(ckan_command, ["oit", "remind"])
    assert first.exit_code == 0 and "fiscal year 2570 has no confirmed edition" in first.output, first.output
    run_jobs()
    told = [m for m in mailbox.mails if "2570" in m.subject]
    assert [m.to[0] for m in told] == [office.users["sysadmin"]["email"]]
    assert "รายการของรอบ 2569" in told[0].body and "/ckan-admin/oit-editions/" in told[0].body
    again = cli.invoke(ckan_command, ["oit", "remind"])
    assert "2570" not in again.output
    # once the year's edition is chosen there is nothing to say
    tk.get_action("oit_fiscal_year_edition_set")({"user": office.users["sysadmin"]["name"]},
                                                 {"fiscal_year": 2571, "edition": "2569"})
    with freeze_time("2027-10-05"):
        assert "2571" not in cli.invoke(ckan_command, ["oit", "remind"]).output


@freeze_time("2024-03-15")   # the procurement plan is a 2567-list item
def test_a_supervisor_sees_the_rollup_and_an_editor_not_the_other_childs_private_status():
    from ckan.tests import factories

    supervisor, editor_a, editor_b = factories.User(), factories.User(), factories.User()
    parent = factories.Organization(name="obec-area", users=[{"name": supervisor["name"], "capacity": "admin"}])
    child_a = factories.Organization(name="pesao-a", users=[{"name": editor_a["name"], "capacity": "editor"}])
    child_b = factories.Organization(name="pesao-b", users=[{"name": editor_b["name"], "capacity": "editor"}])
    sysadmin, approver = factories.Sysadmin(), factories.Sysadmin()
    for child in (child_a, child_b):
        tk.get_action("oit_organization_parent_set")({"user": sysadmin["name"]}, {"id": child["name"], "parent": "obec-area"})
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("oit_organization_parent_set")({"user": editor_a["name"]}, {"id": "pesao-a", "parent": "obec-area"})

    context = {"user": sysadmin["name"]}
    plan = tk.get_action("package_create")(context, {"type": "oit-procurement", "owner_org": child_a["id"],
                                                     "item_key": "procurement-plan", "fiscal_year": "2567"})
    tk.get_action("oit_submit")(context, {"id": plan["id"]})                 # pending in A
    for owner in (child_a, child_b):
        monthly = tk.get_action("package_create")(context, {
            "type": "oit-procurement", "owner_org": owner["id"], "item_key": "procurement-monthly-summary",
            "fiscal_year": "2567", "period": "2023-10"})
        tk.get_action("oit_submit")(context, {"id": monthly["id"]})
        tk.get_action("oit_approve")({"user": approver["name"]}, {"id": monthly["id"]})  # four eyes

    result = tk.get_action("oit_compliance_rollup")({"user": supervisor["name"]}, {"id": "obec-area"})
    assert {c["organization"] for c in result["children"]} == {"pesao-a", "pesao-b"}
    assert all(c["published"] == 1 for c in result["children"])
    a = next(c for c in result["children"] if c["organization"] == "pesao-a")
    assert a["statuses"].get("pending") == 1                                # the supervisor sees A's private work
    assert result["published"] == 2 and result["due"] > 2

    with pytest.raises(tk.NotAuthorized):
        tk.get_action("oit_compliance_rollup")({"user": editor_b["name"]}, {"id": "obec-area"})
    seen_by_b = tk.get_action("oit_compliance_show")({"user": editor_b["name"]}, {"id": "pesao-a"})
    assert periods(seen_by_b, "procurement-plan")["year"]["status"] == "overdue"  # not "pending"
    seen_by_a = tk.get_action("oit_compliance_show")({"user": editor_a["name"]}, {"id": "pesao-a"})
    assert periods(seen_by_a, "procurement-plan")["year"]["status"] == "pending"


def test_the_dashboards_put_the_overdue_first(office, app):  # API tokens refuse a frozen clock
    from ckan.tests import factories

    make(office, "published", type="oit-procurement", item_key="procurement-monthly-summary",
         fiscal_year="2569", period="2025-10")
    headers = {"Authorization": factories.APIToken(user=office.users["admin"]["name"])["token"]}
    when = {"as_of": "2026-03-15", "fiscal_year": "2569"}
    page = app.get(f"/organization/{office.org['name']}/oit-compliance", headers=headers, query_string=when)
    assert page.status_code == 200
    body = page.body
    assert "เกินกำหนด" in body and body.index("oit-late") < body.index("oit-progress")
    sysadmin = {"Authorization": factories.APIToken(user=office.users["sysadmin"]["name"])["token"]}
    assert app.get(f"/organization/{office.org['name']}/oit-rollup", headers=sysadmin).status_code == 200
    assert app.get(f"/organization/{office.org['name']}/oit-rollup").status_code == 403


# --- the dashboards' pages (issue 14) ---------------------------------------------------------

def _dashboard(app, office, role="admin", prefix="", **query):
    from ckan.tests import factories

    headers = {"Authorization": factories.APIToken(user=office.users[role]["name"])["token"]}
    page = app.get(f"{prefix}/organization/{office.org['name']}/oit-compliance", headers=headers,
                   query_string=dict({"as_of": "2026-03-15", "fiscal_year": "2569"}, **query))
    assert page.status_code == 200
    return BeautifulSoup(page.body, "html.parser")


def test_the_dashboard_switches_fiscal_years_with_thai_labels(office, app):
    from urllib.parse import parse_qs, urlsplit

    from ckanext.oit import thai_calendar

    soup = _dashboard(app, office)
    links = soup.select("nav.oit-fiscal-years a")
    # the editions' years (2564-2567), up to the current one, newest first
    years = list(range(thai_calendar.fiscal_year_of(thai_calendar.today()), 2563, -1))
    assert [a.get_text(strip=True) for a in links] == [f"พ.ศ. {year}" for year in years]
    for link, year in zip(links, years):
        target = urlsplit(link["href"])
        assert target.path == f"/organization/{office.org['name']}/oit-compliance"
        assert parse_qs(target.query) == {"fiscal_year": [str(year)], "as_of": ["2026-03-15"]}
    assert [a.get_text(strip=True) for a in soup.select("nav.oit-fiscal-years a[aria-current=page]")] == ["พ.ศ. 2569"]
    # a link of the switcher opens that year
    other = _dashboard(app, office, fiscal_year="2568")
    assert other.select_one("h1").get_text(" ", strip=True).endswith("ปีงบประมาณ พ.ศ. 2568")
    english = _dashboard(app, office, prefix="/en")
    assert [a.get_text(strip=True) for a in english.select("nav.oit-fiscal-years a")][:2] == [
        f"FY {years[0]}", f"FY {years[1]}"]
    # a year it cannot read: a sentence in the page's language, not a Python dict
    from ckan.tests import factories

    headers = {"Authorization": factories.APIToken(user=office.users["admin"]["name"])["token"]}
    bad = app.get(f"/organization/{office.org['name']}/oit-compliance", headers=headers,
                  query_string={"fiscal_year": "2026"})
    assert bad.status_code == 400
    assert "ระบุปีงบประมาณเป็นปี พ.ศ. (เช่น 2569) และวันที่ในรูปแบบ YYYY-MM-DD (ปี ค.ศ.)" in bad.body
    assert "fiscal_year&#39;:" not in bad.body and "fiscal_year':" not in bad.body


def test_codes_sort_as_numbers():
    from ckanext.oit.compliance.monitor import natural_key

    assert sorted(["10.2", "9.5", "O10", "O9", "10.1", "O1", "9.1", "O43"], key=natural_key) == [
        "9.1", "9.5", "10.1", "10.2", "O1", "O9", "O10", "O43"]


# the 2567 list: seven categories 9.1-10.2 and 43 items, where the order of numbers shows
_FY_2567 = {"as_of": "2024-03-15", "fiscal_year": "2567"}


def test_the_dashboard_lists_categories_and_items_in_their_numbers_order(office, app):
    make(office, "published", type="oit-procurement", item_key="procurement-monthly-summary",
         fiscal_year="2567", period="2023-10")
    soup = _dashboard(app, office, **_FY_2567)
    categories = [tr.select_one("td").get_text(" ", strip=True).split(" ")[0] for tr in soup.select(".oit-progress tbody tr")]
    assert categories == ["9.1", "9.2", "9.3", "9.4", "9.5", "10.1", "10.2"]
    codes = [tr["data-code"] for tr in soup.select(".oit-items tr.oit-item")]
    assert codes == [f"O{n}" for n in range(1, 44)]
    # the late list: the same due date in the items' order (O9 before O10)
    late = [tr.select_one("a").get_text(strip=True) for tr in soup.select(".oit-late tbody tr")]
    standing = [code for code in late if code in ("O8", "O9", "O10")]
    assert standing == ["O8", "O9", "O10"]


def test_the_dashboard_says_each_status_in_words_beside_its_colour(office, app):
    make(office, "published", type="oit-procurement", item_key="procurement-monthly-summary",
         fiscal_year="2567", period="2023-10")
    make(office, "pending", type="oit-procurement", item_key="procurement-plan", fiscal_year="2567")
    soup = _dashboard(app, office, **_FY_2567)
    words = {"published": "เผยแพร่แล้ว", "pending": "รออนุมัติ", "overdue": "เกินกำหนด", "not_yet_due": "ยังไม่ถึงกำหนด"}
    items = {tr["data-code"]: tr.select_one(".oit-state") for tr in soup.select(".oit-items tr.oit-item")}
    assert [(items[c]["class"], items[c].get_text(strip=True)) for c in ("O19", "O21", "O1")] == [
        (["oit-state", "oit-state-pending"], words["pending"]),
        (["oit-state", "oit-state-overdue"], words["overdue"]),       # O21: February is overdue
        (["oit-state", "oit-state-overdue"], words["overdue"])]
    assert {span.get_text(strip=True) for span in soup.select(".oit-late .oit-state")} == {"เกินกำหนด"}
    assert all(span.get_text(strip=True) for span in soup.select(".oit-state"))
    english = _dashboard(app, office, prefix="/en", **_FY_2567)
    assert {span.get_text(strip=True) for span in english.select(".oit-items .oit-state")} == {
        "Awaiting approval", "Overdue"}


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_status_colour_has_a_contrast_of_at_least_4_5():
    from pathlib import Path

    import ckanext.oit

    css = (Path(ckanext.oit.__file__).parent / "templates/oit/compliance/_status_styles.html").read_text()
    rules = dict(re.findall(r"\.oit-state-(\w+) \{([^}]*)\}", css))
    assert set(rules) == {"published", "pending", "returned", "missing", "overdue", "not_yet_due"}
    for status, rule in rules.items():
        background = re.search(r"background-color: (#[0-9a-f]{6})", rule).group(1)
        text = re.search(r"(?<!-)color: (#[0-9a-f]{6})", rule).group(1)
        light, dark = sorted((_luminance(background), _luminance(text)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, status


def test_the_rollup_switches_years_and_says_overdue_in_words(office, app):
    from ckan.tests import factories

    child = factories.Organization(name="pesao-child")
    tk.get_action("oit_organization_parent_set")({"user": office.users["sysadmin"]["name"]},
                                                 {"id": child["name"], "parent": office.org["name"]})
    headers = {"Authorization": factories.APIToken(user=office.users["sysadmin"]["name"])["token"]}
    page = app.get(f"/organization/{office.org['name']}/oit-rollup", headers=headers,
                   query_string={"fiscal_year": "2569", "as_of": "2026-03-15"})
    soup = BeautifulSoup(page.body, "html.parser")
    assert "พ.ศ. 2569" in [a.get_text(strip=True) for a in soup.select("nav.oit-fiscal-years a[aria-current=page]")]
    badge = soup.select_one(".oit-rollup tbody .oit-state")
    assert badge["class"] == ["oit-state", "oit-state-overdue"]
    assert re.fullmatch(r"เกินกำหนด \d+ รายการ", badge.get_text(strip=True))
