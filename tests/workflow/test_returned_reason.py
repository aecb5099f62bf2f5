"""Returned work says why, at the top of the dataset and in the returned list, to its
editors only; the approval list's every link opens for the director (issue 14)."""
from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

REASON = "แนบไฟล์ที่ลงนามแล้ว"


def _headers(office, role: str) -> dict[str, str]:
    user = office.users[role]
    return {"Authorization": factories.APIToken(user=user["name"])["token"]} if user else {}


def _page(app, office, role: str, url: str):
    return app.get(url, headers=_headers(office, role))


def _top_reason(body: str) -> str | None:
    box = BeautifulSoup(body, "html.parser").select_one("#oit-returned-reason")
    return " ".join(box.get_text(" ", strip=True).split()) if box else None


def test_the_reason_is_at_the_top_of_the_dataset_for_its_editors(office, app):
    dataset = office.dataset("pending")
    office.act("admin", "oit_return", id=dataset["id"], comment=REASON)
    url = f"/oit-procurement/{dataset['name']}"
    body = _page(app, office, "editor", url).body
    shown = _top_reason(body)
    by = office.users["admin"]["fullname"] or office.users["admin"]["name"]
    assert shown.startswith(f"ส่งกลับแก้ไข {REASON} โดย {by} เมื่อ ")
    assert str(datetime.date.today().year + 543) in shown  # a Buddhist Era date
    # above the workflow panel, the first thing of the page's content
    assert body.index('id="oit-returned-reason"') < body.index('id="oit-workflow-heading"')
    assert _top_reason(_page(app, office, "admin", url).body).startswith(f"ส่งกลับแก้ไข {REASON}")
    english = _top_reason(_page(app, office, "editor", "/en" + url).body)
    assert english.startswith(f"Returned for changes {REASON} By ")

    # edited (back to a draft), it still says why; submitted again, it no longer does
    office.act("editor", "package_patch", id=dataset["id"], notes="แนบฉบับลงนามแล้ว")
    assert office.act("editor", "package_show", id=dataset["id"])["oit_status"] == "draft"
    assert _top_reason(_page(app, office, "editor", url).body).startswith(f"ส่งกลับแก้ไข {REASON}")
    office.act("editor", "oit_submit", id=dataset["id"])
    assert _top_reason(_page(app, office, "editor", url).body) is None


def test_anonymous_another_organisation_and_members_see_no_reason_at_the_top(office, app):
    dataset = office.dataset("returned")  # returned with support/workflow.py's reason
    reason = "แก้ไขวันที่สัญญา"
    url = f"/oit-procurement/{dataset['name']}"
    for role in ("anonymous", "stranger", "other_editor", "other_admin"):
        response = _page(app, office, role, url)
        assert response.status_code in (403, 404), role
        assert reason not in response.body, role
    member = _page(app, office, "member", url)
    assert member.status_code == 200 and _top_reason(member.body) is None
    assert _top_reason(_page(app, office, "editor", url).body).startswith(f"ส่งกลับแก้ไข {reason}")


def test_a_returned_change_request_says_why_to_its_editors_not_to_the_public(office, app):
    dataset = office.dataset("changing")
    office.act("admin", "oit_return", id=dataset["id"], comment="คำอธิบายยังไม่ถูกต้อง")
    url = f"/oit-procurement/{dataset['name']}"
    assert _top_reason(_page(app, office, "editor", url).body).startswith(
        "คำขอแก้ไขถูกส่งกลับ คำอธิบายยังไม่ถูกต้อง")
    public = _page(app, office, "anonymous", url)
    assert public.status_code == 200  # published: the public reads the dataset, not the reason
    assert _top_reason(public.body) is None and "คำอธิบายยังไม่ถูกต้อง" not in public.body
    assert _top_reason(_page(app, office, "other_admin", url).body) is None


def test_the_returned_list_gives_each_reason(office, app):
    first = office.dataset("pending")
    office.act("admin", "oit_return", id=first["id"], comment=REASON)
    second = office.dataset("returned")
    office.dataset("pending")
    page = BeautifulSoup(_page(app, office, "editor", "/oit/returned").body, "html.parser")
    items = {item.select_one("a")["href"].rsplit("/", 1)[-1]: item.select_one(".oit-returned-comment").get_text()
             for item in page.select(".oit-returned-item")}
    assert items == {first["name"]: REASON, second["name"]: "แก้ไขวันที่สัญญา"}
    other = BeautifulSoup(_page(app, office, "other_editor", "/oit/returned").body, "html.parser")
    assert other.select(".oit-returned-item") == []
    assert REASON not in str(other)


def test_every_link_of_the_approval_list_opens_for_the_director(office, app):
    pending = office.dataset("pending")
    changing = office.dataset("changing")
    own = office.dataset("published")  # the director's own correction: another admin approves it
    office.act("admin", "package_patch", id=own["id"], notes="ผู้อำนวยการแก้คำอธิบาย")
    body = _page(app, office, "admin", "/oit/approvals").body
    content = BeautifulSoup(body, "html.parser").select_one("#content") or BeautifulSoup(body, "html.parser")
    links = content.select("a")
    assert links and all(link.get("href") and link.get_text(strip=True) for link in links), [
        str(link) for link in links if not (link.get("href") and link.get_text(strip=True))]
    hrefs = {link["href"] for link in links if link["href"].startswith("/")}
    assert any(pending["name"] in href for href in hrefs)
    assert any("/oit/change-request/" in href for href in hrefs)
    assert any(changing["name"] in link.get_text() or changing["title"] in link.get_text() for link in links)
    for href in sorted(hrefs):
        response = _page(app, office, "admin", href)
        assert response.status_code == 200, (href, response.status_code)
        page = BeautifulSoup(response.body, "html.parser")
        # and what the page offers, the director may do: no Approve that answers 403
        for form in page.select("form.oit-transition"):
            done = app.post(form["action"], data={"comment": "ตรวจแล้ว", "confirm_tables": "true"},
                            headers=_headers(office, "admin"), follow_redirects=False)
            assert done.status_code == 302, (href, form["action"], done.status_code)
            break  # one decision per page: the next link's dataset is another one


def test_the_director_is_told_why_an_own_change_waits_for_another_admin(office, app):
    own = office.dataset("published")
    office.act("admin", "package_patch", id=own["id"], notes="ผู้อำนวยการแก้คำอธิบาย")
    (request,) = office.act("admin", "oit_change_request_list", id=own["id"])
    page = BeautifulSoup(_page(app, office, "admin", f"/oit/change-request/{request['id']}").body, "html.parser")
    assert page.select_one("#oit-approve") is None and page.select_one("#oit-return") is not None
    assert page.select_one("#oit-own-work").get_text(strip=True) == (
        "คำขอแก้ไขนี้มีการแก้ไขของท่านอยู่ด้วย จึงอนุมัติเองไม่ได้ ผู้อนุมัติต้องเป็นอีกคนหนึ่ง")
    listed = BeautifulSoup(_page(app, office, "admin", "/oit/approvals").body, "html.parser")
    assert [p.get_text(strip=True) for p in listed.select(".oit-change-requests .oit-own-work")] == [
        "คำขอแก้ไขนี้มีการแก้ไขของท่านอยู่ด้วย จึงอนุมัติเองไม่ได้ ผู้อนุมัติต้องเป็นอีกคนหนึ่ง"]
    # the button's address, posted all the same, says so on the dataset's page instead of a 403
    done = app.post(f"/dataset/{own['name']}/oit/approve", headers=_headers(office, "admin"))
    assert "ผู้อนุมัติต้องเป็นอีกคนหนึ่ง" in done.body and "someone else" not in done.body
    assert office.act("admin", "oit_change_request_list", id=own["id"])[0]["status"] == "open"


def test_staff_and_members_open_the_approval_list_without_a_403_and_see_nothing_to_approve(office, app):
    pending = office.dataset("pending")
    office.dataset("changing")
    for role in ("member", "editor", "other_editor"):
        response = _page(app, office, role, "/oit/approvals")
        assert response.status_code == 200, role
        page = BeautifulSoup(response.body, "html.parser")
        assert page.select(".oit-approval-item") == [] and page.select(".oit-change-requests li") == [], role
    assert pending["name"] in _page(app, office, "admin", "/oit/approvals").body
