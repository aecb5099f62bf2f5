"""Issue 14's leftovers, each in both languages: the Thai page (/) says nothing
of ours in English, the /en/ page nothing of ours in Thai."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from flask import abort

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")

THAI = re.compile(r"[\u0e00-\u0e7f]")
WERKZEUG = re.compile("Not Found|Bad Request|Forbidden|Internal Server Error|requested URL|browser|server", re.I)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.body, "html.parser")


def main_text(response) -> str:
    page = soup(response)
    return (page.select_one("[role=main]") or page.select_one("main") or page.body).get_text(" ", strip=True)


# --- error pages in the page's language ---------------------------------------------

ERRORS = [  # path (without the language prefix), status, Thai heading, English heading
    ("/dataset/does-not-exist", 404, "404 ไม่พบหน้าที่ต้องการ", "404 Page not found"),
    ("/no-such-page-at-all", 404, "404 ไม่พบหน้าที่ต้องการ", "404 Page not found"),
    ("/oit/no-such-agency", 404, "404 ไม่พบหน้าที่ต้องการ", "404 Page not found"),
    ("/oit/no-such-agency/questions", 404, "404 ไม่พบหน้าที่ต้องการ", "404 Page not found"),
    ("/util/redirect", 400, "400 คำขอไม่ถูกต้อง", "400 Bad request"),               # CKAN's own message
    ("/organization/{org}/oit-compliance?fiscal_year=abc", 400, "400 คำขอไม่ถูกต้อง", "400 Bad request"),
    ("/oit-test/fails", 500, "500 ระบบขัดข้อง", "500 Server error"),
    ("/ckan-admin", 403, "403 ไม่มีสิทธิ์เข้าถึง", "403 Access denied"),
]


@pytest.mark.parametrize("path,status,thai,english", ERRORS)
def test_error_pages_speak_the_pages_language(app, office, path, status, thai, english):
    path = path.format(org=office.org["name"])
    # a view that fails the way CKAN's search does when Solr refuses (abort(500, Solr's words))
    app.flask_app.add_url_rule("/oit-test/fails", "oit_test_fails", lambda: abort(500, "org.apache.solr.search.SyntaxError"))
    th = soup(app.get(path, status=status)).select_one("article.module")
    assert th.h1.get_text(" ", strip=True) == thai
    said = th.get_text(" ", strip=True).removeprefix(thai)
    assert THAI.search(said), said  # CKAN's message too, from its catalogue
    assert not WERKZEUG.search(said) and "solr" not in said, said
    en = soup(app.get("/en" + path, status=status)).select_one("article.module")
    assert en.h1.get_text(" ", strip=True) == english
    assert not THAI.search(en.get_text(" ", strip=True)), en.get_text(" ", strip=True)
