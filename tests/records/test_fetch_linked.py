"""A linked table says it is not validated, and its editors may have it fetched and
validated like an upload; the fetch reaches public addresses only (issue 14).

The files come from an HTTP server on loopback in this process (no internet): the
tests that fetch from it allow 127.0.0.1 through ckanext.oit.records.fetch_allowed,
and the others show that loopback, private and link-local addresses are refused by
default, after redirects too."""
from __future__ import annotations

import http.server
import threading
import time
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

import ckan.lib.uploader as uploader
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.oit import audit
from ckanext.oit.records import fetch
from support.jobs import run_jobs
from support.records import EXPECTED, HEADER, ROWS, csv_bytes, rows_of

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")

GOOD = csv_bytes(HEADER, ROWS, "cp874")
ALLOW_LOOPBACK = pytest.mark.ckan_config("ckanext.oit.records.fetch_allowed", "127.0.0.1/32")
REFUSED = "is not on the public internet"


class _Files(http.server.BaseHTTPRequestHandler):
    """What the linked sites answer, by path."""

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        path = unquote(self.path.split("?", 1)[0])
        if path == "/sor-kor-ror-1.csv":
            return self._send(200, GOOD)
        if path == "/download":  # no file name in the address
            return self._send(200, GOOD)
        if path.startswith("/to/"):  # /to/<address and path>: a redirect
            self.send_response(302)
            self.send_header("Location", "http://" + path[len("/to/"):])
            self.end_headers()
            return None
        if path == "/again":
            self.send_response(302)
            self.send_header("Location", "/sor-kor-ror-1.csv")
            self.end_headers()
            return None
        if path == "/big.csv":
            return self._send(200, b"x" * (1024 * 1024 + 1))
        if path == "/big-stream.csv":  # no Content-Length: the body ends when the connection does
            self.send_response(200)
            self.end_headers()
            for _ in range(20):
                self.wfile.write(b"y" * 100_000)
            return None
        if path == "/slow.csv":
            time.sleep(3)
            return self._send(200, GOOD)
        return self._send(404, b"not here")

    def _send(self, status: int, body: bytes):
        self.send_response(status)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _headers(office, role: str) -> dict[str, str]:
    user = office.users[role]
    return {"Authorization": factories.APIToken(user=user["name"])["token"]} if user else {}


def _linked(office, url: str, state: str = "draft") -> tuple[dict, str]:
    dataset = office.dataset("draft")
    resource = office.act("editor", "resource_create", package_id=dataset["id"], name="แบบ สขร.1 (ลิงก์)",
                          url=url, format="CSV")
    if state != "draft":
        dataset = office.move(dataset["id"], state)
    return dataset, resource["id"]


def _state(resource_id: str) -> dict:
    return tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})["oit_records"]


def _fetched(office, resource_id: str) -> dict:
    office.act("editor", "oit_records_fetch", resource_id=resource_id)
    assert _state(resource_id)["status"] == "queued"
    run_jobs()
    return _state(resource_id)


@ALLOW_LOOPBACK
def test_a_linked_table_says_it_is_not_validated_and_its_editor_has_it_fetched_and_loaded(office, app, site):
    dataset, resource_id = _linked(office, f"{site}/sor-kor-ror-1.csv")
    url = f"/oit-procurement/{dataset['name']}/resource/{resource_id}"
    page = BeautifulSoup(app.get(url, headers=_headers(office, "editor")).body, "html.parser")
    state = page.select_one(".oit-records")
    assert state["data-status"] == "not_validated"
    assert " ".join(state.select_one(".oit-state-detail").get_text().split()) == (
        "ตารางนี้เป็นลิงก์ พอร์ทัลยังไม่ได้ตรวจไฟล์ที่ลิงก์ชี้ไป และข้อมูลในไฟล์ยังไม่อยู่ในไฟล์ดาวน์โหลดตารางข้อมูล")
    button = page.select_one("#oit-records-fetch")
    assert button.get_text(strip=True) == "ดึงไฟล์มาตรวจสอบ"
    # the member reads the same, without the button
    member = BeautifulSoup(app.get(url, headers=_headers(office, "member")).body, "html.parser")
    assert member.select_one(".oit-records")["data-status"] == "not_validated"
    assert member.select_one("#oit-records-fetch") is None

    # the button: a job fetches the file, stores it as the resource's own, and the loader checks it
    form = button.find_parent("form")
    after = app.post(form["action"], headers=_headers(office, "editor"), follow_redirects=False)
    assert after.status_code == 302 and after.headers["Location"].endswith(url)
    assert _state(resource_id)["status"] == "queued"
    run_jobs()
    state = _state(resource_id)
    assert (state["status"], state["row_count"], state["encoding"], state["linked"]) == ("loaded", 2, "cp874", False)
    assert rows_of(resource_id)[0] == EXPECTED
    resource = office.act("editor", "resource_show", id=resource_id)
    assert (resource["url_type"], resource["url"].rsplit("/", 1)[-1]) == ("upload", "sor-kor-ror-1.csv")
    path = uploader.get_resource_uploader(resource).get_path(resource_id)
    with open(path, "rb") as kept:
        assert kept.read() == GOOD  # kept as it came
    # the change is the editor's, in the audit trail; and the dataset submits without a confirmation
    # (CKAN 2.12's DataStore then records its own resource update, by the site user)
    updates = [e for e in audit.events(package_id=dataset["id"]) if e.action == "resource_update"]
    assert updates and updates[0].actor_id == office.users["editor"]["id"]
    assert office.act("editor", "oit_submit", id=dataset["id"])["oit_status"] == "pending"


@ALLOW_LOOPBACK
def test_a_redirect_to_the_file_is_followed_and_a_name_is_made_when_the_link_has_none(office, site):
    _dataset, resource_id = _linked(office, f"{site}/again")
    assert _fetched(office, resource_id)["status"] == "loaded"
    _dataset, resource_id = _linked(office, f"{site}/download")
    assert _fetched(office, resource_id)["status"] == "loaded"
    shown = office.act("editor", "resource_show", id=resource_id)
    assert shown["url"].rsplit("/", 1)[-1] == "table.csv"


@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "10.1.2.3", "169.254.169.254", "[::1]",
                                     "192.168.1.10", "100.64.0.1", "0.0.0.0"])
def test_loopback_private_and_link_local_addresses_are_refused_by_default(office, site, address):
    port = site.rsplit(":", 1)[1]
    _dataset, resource_id = _linked(office, f"http://{address}:{port}/sor-kor-ror-1.csv")
    state = _fetched(office, resource_id)
    assert state["status"] == "failed" and state["linked"] is True
    (problem,) = state["problems"]
    host = address.strip("[]")
    assert problem["message_en"] == (f"The link's address {host} is not on the public internet; "
                                     "the portal fetches only public addresses")
    assert problem["message_th"].startswith(f"ที่อยู่ของลิงก์ {host} ไม่ใช่ที่อยู่สาธารณะ")
    shown = office.act("editor", "resource_show", id=resource_id)
    assert (shown["url_type"], shown["url"]) == (None, f"http://{address}:{port}/sor-kor-ror-1.csv")


@ALLOW_LOOPBACK
@pytest.mark.parametrize("target, host", [("10.1.2.3/x.csv", "10.1.2.3"),
                                          ("169.254.169.254/latest/meta-data", "169.254.169.254"),
                                          ("127.0.0.2:80/x.csv", "127.0.0.2"), ("[::1]/x.csv", "::1")])
def test_a_redirect_to_a_refused_address_is_refused(office, site, target, host):
    _dataset, resource_id = _linked(office, f"{site}/to/{target}")
    state = _fetched(office, resource_id)
    assert state["status"] == "failed"
    assert state["problems"][0]["message_en"] == (
        f"The link's address {host} is not on the public internet; the portal fetches only public addresses")


@pytest.mark.parametrize("url", ["ftp://example.go.th/x.csv", "file:///etc/passwd.csv",
                                 "http://user:secret@example.go.th/x.csv"])
def test_only_plain_http_and_https_links_are_fetched(office, url):
    _dataset, resource_id = _linked(office, url)
    (problem,) = _fetched(office, resource_id)["problems"]
    assert problem["message_en"] in ("Only http and https links can be fetched",
                                     "A link with a user name or password cannot be fetched")


@ALLOW_LOOPBACK
@pytest.mark.ckan_config("ckanext.oit.records.fetch_max_mb", "1")
@pytest.mark.ckan_config("ckanext.oit.records.fetch_timeout", "1")
def test_size_and_time_limits_and_an_error_answer_end_failed_with_the_reason(office, site):
    said = {}
    for path in ("big.csv", "big-stream.csv", "slow.csv", "missing.csv"):
        _dataset, resource_id = _linked(office, f"{site}/{path}")
        (problem,) = _fetched(office, resource_id)["problems"]
        said[path] = problem["message_en"]
    assert said == {"big.csv": "The linked file is larger than 1 MB",
                    "big-stream.csv": "The linked file is larger than 1 MB",
                    "slow.csv": "The link did not answer within 1 seconds",
                    "missing.csv": "The link answered HTTP 404 instead of a file"}


@ALLOW_LOOPBACK
def test_the_address_connected_to_is_checked_again(office, site, monkeypatch, ckan_config):
    """As if DNS had answered a public address when the link was checked and loopback
    when the connection was made (rebinding): the connection itself refuses it."""
    monkeypatch.setitem(ckan_config, "ckanext.oit.records.fetch_allowed", "")
    monkeypatch.setattr(fetch, "check_url", lambda url: None)
    with pytest.raises(fetch.FetchError) as refused:
        fetch.get(f"{site}/sor-kor-ror-1.csv")
    assert REFUSED in refused.value.en


@ALLOW_LOOPBACK
def test_who_may_fetch_and_what(office, app, site):
    dataset, resource_id = _linked(office, f"{site}/sor-kor-ror-1.csv")
    for role in ("anonymous", "stranger", "member", "other_editor", "other_admin"):
        with pytest.raises(tk.NotAuthorized):
            office.act(role, "oit_records_fetch", resource_id=resource_id)
    for role in ("member", "other_admin"):
        assert app.post(f"/oit/resource/{resource_id}/fetch", headers=_headers(office, role),
                        status=403).status_code == 403
    assert _state(resource_id)["status"] == "not_validated"
    # not a link, not a table, or no longer a draft: refused, naming the resource
    pdf = dataset["resources"][0]["id"]
    for refused in (pdf,):
        with pytest.raises(tk.ValidationError) as error:
            office.act("editor", "oit_records_fetch", resource_id=refused)
        assert "resource_id" in error.value.error_dict
    _pending, waiting = _linked(office, f"{site}/sor-kor-ror-1.csv", state="pending")
    with pytest.raises(tk.ValidationError):
        office.act("admin", "oit_records_fetch", resource_id=waiting)
    _published, public = _linked(office, f"{site}/sor-kor-ror-1.csv", state="published")
    with pytest.raises(tk.ValidationError):
        office.act("admin", "oit_records_fetch", resource_id=public)
    done = app.post(f"/oit/resource/{public}/fetch", headers=_headers(office, "admin"))
    assert "ชุดข้อมูลที่รออนุมัติหรือเผยแพร่แล้วเปลี่ยนไฟล์โดยตรงไม่ได้" in done.body
    assert _state(public)["status"] == "not_validated"
    assert _fetched(office, resource_id)["status"] == "loaded"
    with pytest.raises(tk.ValidationError):  # an upload now
        office.act("editor", "oit_records_fetch", resource_id=resource_id)
    with pytest.raises(tk.ObjectNotFound):
        office.act("editor", "oit_records_fetch", resource_id="no-such-resource")


def test_the_address_check_itself():
    assert not any(fetch.address_allowed(a) for a in (
        "127.0.0.1", "::1", "10.0.0.1", "172.16.0.1", "192.168.0.1", "169.254.169.254", "fe80::1", "0.0.0.0",
        "100.64.0.1", "224.0.0.1", "240.0.0.1", "::ffff:127.0.0.1", "fc00::1"))
    assert all(fetch.address_allowed(a) for a in ("1.1.1.1", "203.113.0.10", "2606:4700:4700::1111"))


@ALLOW_LOOPBACK
def test_a_table_waiting_for_its_fetch_is_not_queued_again(office, site):
    """Workers are few: a second ask while the first waits is refused, and one job runs."""
    _dataset, resource_id = _linked(office, f"{site}/sor-kor-ror-1.csv")
    office.act("editor", "oit_records_fetch", resource_id=resource_id)
    with pytest.raises(tk.ValidationError) as refused:
        office.act("editor", "oit_records_fetch", resource_id=resource_id)
    assert refused.value.error_dict == {"resource_id": [
        "กำลังดึงและตรวจสอบไฟล์จากลิงก์นี้อยู่แล้ว / The linked file is already being fetched and checked"]}
    run_jobs()
    assert _state(resource_id)["status"] == "loaded"
