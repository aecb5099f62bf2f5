"""Error pages in the page's language, and a refusal that a view lets escape is
a 403 page, not a 500.

CKAN's error page shows werkzeug's English name ("Not Found") and, unless the
view gave one, werkzeug's English description; ours name the error and explain
it through our catalogue, and show a message given in both languages (an
action's error) in the page's language only. Our handlers are registered after
CKAN's (make_middleware runs later), so they take its place, code by code.

Some views of CKAN's own plugins call actions without catching NotAuthorized (the
table view's data endpoint asks DataStore as the visitor); for a private dataset
that is a refusal, and the visitor should see one."""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.common import current_user
from flask import current_app
from werkzeug.exceptions import Forbidden, HTTPException, InternalServerError, Unauthorized

from ckanext.oit.i18n_messages import N_, in_page_language

log = logging.getLogger(__name__)

# code: (name, what it means when the view said nothing more)
PAGES = {
    400: (N_("Bad request"), N_("The request could not be understood. Please check the address or the form and try again.")),
    401: (N_("Login required"), N_("Please log in to see this page.")),
    403: (N_("Access denied"), N_("You are not allowed to see this page.")),
    404: (N_("Page not found"), N_("There is no page at this address. Please check the address.")),
    405: (N_("Method not allowed"), N_("This page does not accept this kind of request.")),
    409: (N_("Conflict"), N_("The request conflicts with the current state of the data.")),
    413: (N_("File too large"), N_("The file or form sent is larger than the portal accepts.")),
    500: (N_("Server error"), N_("Something went wrong on the server. Please try again later.")),
}


def register(app: Any) -> None:
    app.register_error_handler(tk.NotAuthorized, _refused)
    for code in PAGES:
        app.register_error_handler(code, error_page)
    if not app.debug and not app.testing:  # as CKAN: uncaught errors are a 500 page outside tests
        app.register_error_handler(Exception, _uncaught)


def _refused(error: tk.NotAuthorized) -> Any:
    return current_app.handle_http_exception(Forbidden(str(error) or None))


def error_page(error: HTTPException) -> Any:
    name, meaning = PAGES.get(error.code or 500, (N_("Error"), ""))
    description = error.description
    given = description and description != type(error).description  # werkzeug's own is English
    if error.code == 500 and given:  # a search engine's or a library's words, for the log only
        log.error("500: %s", description)
        given = False
    return tk.render("error_document_template.html", {
        "code": error.code, "name": tk._(name),
        "content": in_page_language(description) if given else tk._(meaning),
        "show_login_redirect_link": current_user.is_anonymous and isinstance(error, (Unauthorized, Forbidden)),
    }), error.code


def _uncaught(error: Exception) -> Any:
    if isinstance(error, HTTPException):
        return error_page(error) if error.code in PAGES else error
    log.error(error, exc_info=True)
    return error_page(InternalServerError())
