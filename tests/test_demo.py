"""The demo agency of `make run`, and logging in through the web form."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_command

from ckanext.oit_demo import agency as demo

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _roles() -> dict[str, str]:
    members = tk.get_action("member_list")(
        {"ignore_auth": True}, {"id": demo.ORGANIZATION["name"], "object_type": "user"}
    )
    names = {
        tk.get_action("user_show")({"ignore_auth": True}, {"id": user_id})["name"]: role
        for user_id, _type, role in members
    }
    return names


def test_demo_command_creates_the_agency_and_its_people(cli):
    result = cli.invoke(ckan_command, ["oit-demo"])
    assert result.exit_code == 0, result.output
    assert "Director#2569" in result.output  # the passwords are printed at start

    assert _roles() == {"oit_admin": "Admin", "director": "Admin", "staff": "Editor"}
    admin = tk.get_action("user_show")({"ignore_auth": True}, {"id": "oit_admin"})
    assert admin["sysadmin"] is True
    org = tk.get_action("organization_show")({"ignore_auth": True}, {"id": demo.ORGANIZATION["name"]})
    assert org["title"].startswith("สำนักงานเขตพื้นที่การศึกษาประถมศึกษา")


def test_demo_command_runs_twice(cli):
    assert cli.invoke(ckan_command, ["oit-demo"]).exit_code == 0
    second = cli.invoke(ckan_command, ["oit-demo"])
    assert second.exit_code == 0, second.output
    assert "kept organisation" in second.output
    assert _roles()["staff"] == "Editor"


def test_demo_samples_are_published_the_agencys_way_and_only_once(cli, app):
    """`make run` loads `ckan oit-demo --samples`: the public sees a published
    แบบ สขร.1 with its records, an answered question and answered feedback."""
    first = cli.invoke(ckan_command, ["oit-demo", "--samples"])
    assert first.exit_code == 0, first.output
    assert "(2 records, loaded)" in first.output
    org = demo.ORGANIZATION["name"]
    public = tk.get_action("package_search")({"user": ""}, {"fq": f'organization:"{org}"'})
    assert public["count"] == 1
    dataset = public["results"][0]
    assert dataset["oit_status"] == "published" and not dataset["private"]
    rows = tk.get_action("datastore_search")({"user": ""}, {"resource_id": dataset["resources"][0]["id"]})
    assert rows["total"] == 2
    history = tk.get_action("oit_audit_list")({"user": "director"}, {"id": dataset["id"]})
    assert {"submit", "approve"} <= {e["action"] for e in history}  # staff submitted, the director approved
    questions = soup_text(app.get(f"/oit/{org}/questions"))
    assert "อนุบาล" in questions and "1–15 มีนาคม" in questions
    assert "CSV" in soup_text(app.get(f"/oit/{org}/feedback"))
    officers = tk.get_action("oit_complaint_officer_list")({"user": "director"}, {"organization": org})
    # in force, because the sysadmin designated him (an admin alone only proposes)
    assert [(o["user"], o["state"], o["confirmed_by"]) for o in officers] == [("director", "confirmed", "oit_admin")]
    assert tk.get_action("oit_complaint_list")({"user": "director"}, {"organization": org})["count"] == 0

    second = cli.invoke(ckan_command, ["oit-demo", "--samples"])
    assert second.exit_code == 0, second.output
    assert "kept the sample procurement summary" in second.output
    assert "kept director as complaint officer" in second.output
    assert tk.get_action("package_search")({"user": ""}, {"fq": f'organization:"{org}"'})["count"] == 1
    assert tk.get_action("oit_question_list")({"user": ""}, {"organization": org})["count"] == 1


def soup_text(response) -> str:
    assert response.status_code == 200
    return BeautifulSoup(response.body, "html.parser").get_text(" ")

def _login(client, name: str, password: str):
    """Log in as a browser does: read the form's CSRF token, post the form."""
    form_page = client.get("/user/login")
    token = BeautifulSoup(form_page.body, "html.parser").find("input", {"name": "_csrf_token"})["value"]
    return client.post(
        "/user/login",
        data={"login": name, "password": password, "_csrf_token": token},
        follow_redirects=False,
    )


@pytest.mark.parametrize("name", ["oit_admin", "director", "staff"])
def test_demo_users_log_in_through_the_web_form(app, name):
    list(demo.load())
    password = dict((n, pw) for n, pw, _role in demo.credentials())[name]
    browser = app.test_client()  # keeps the session cookie between requests
    response = _login(browser, name, password)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/oit/my-work")  # ckan.auth.route_after_login (issue 14)
    dashboard = browser.get("/dashboard/datasets")
    assert dashboard.status_code == 200
    assert f'href="/user/{name}"' in dashboard.body


def test_a_wrong_password_is_refused(app):
    list(demo.load())
    browser = app.test_client()
    response = _login(browser, "director", "not-the-password")
    assert response.status_code == 200  # the form again, with an error
    assert 'href="/user/director"' not in browser.get("/dashboard/datasets").body
