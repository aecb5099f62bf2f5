"""A person's browser session against the test app (its own cookie jar), logged in
through the login form as people are, and the CSRF tokens of its pages."""
from __future__ import annotations

from bs4 import BeautifulSoup

from ckan import model

PASSWORD = "Web-session-pass-2569"


def login(app, user: dict | None):
    """A client logged in through the login form; anonymous for None."""
    browser = app.test_client()
    if user is None:
        return browser
    db_user = model.User.get(user["name"])
    db_user.password = PASSWORD
    model.Session.commit()
    form = BeautifulSoup(browser.get("/user/login").body, "html.parser")
    token = form.find("input", {"name": "_csrf_token"})["value"]
    done = browser.post("/user/login", data={"login": user["name"], "password": PASSWORD, "_csrf_token": token},
                        follow_redirects=False)
    assert done.status_code == 302, done.body
    return browser


def page_token(browser, path: str) -> str:
    """The session's CSRF token, as CKAN writes it in every page's head."""
    return BeautifulSoup(browser.get(path).body, "html.parser").find("meta", {"name": "_csrf_token"})["content"]
