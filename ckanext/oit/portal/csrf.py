"""Cross-site request forgery: every POST to a blueprint of ours carries the
session's CSRF token and comes from our own site; session cookies are HttpOnly,
SameSite and, on an HTTPS site, Secure.

CKAN exempts extension blueprints from its CSRFProtect while
``ckan.csrf_protection.ignore_extensions`` is true (its default), and exempts
every request without a logged-in session (it marks them "authenticated by
header" whether a token came or not), so anonymous forms are never checked.
Here our blueprints are checked by CKAN's own CSRFProtect instance whatever
that option says, for visitors too; only a request that really authenticated
with an API token is let through, as CKAN does (a browser never adds that
header to a forged request)."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, g, request
from flask_wtf.csrf import CSRFError

import ckan.plugins.toolkit as tk

from ckanext.oit import compat

_DEFAULT_PORTS = {"http": 80, "https": 443}


def ours(app: Any) -> set[str]:
    """Names of the blueprints of this extension in `app`: those defined in our modules."""
    return {name for name, blueprint in app.blueprints.items()
            if blueprint.import_name.startswith("ckanext.oit.")}


def register(app: Any) -> None:
    """Check the token on our blueprints and harden the session cookies (from make_middleware)."""
    protected: set[str] = set()

    def check() -> None:
        if not protected:  # blueprints are all registered by the first request
            protected.update(ours(current_app))
        if request.blueprint in protected or (compat.CKAN_2_12 and _session_write()):
            _check()

    # CKAN's before_request handlers (user identification, its own CSRF check)
    # are registered before make_middleware runs, so the user is known here.
    app.before_request(check)
    harden_cookies(app.config, tk.config.get("ckan.site_url") or "")


def _session_write() -> bool:
    """CKAN 2.12.0 exempts a view from its CSRF check for good once one request reached it
    that it took for API-token authentication (2.11 exempts that request only; 2.12.0 takes
    every anonymous request for one), so a logged-in session's writes to any view, CKAN's
    own forms and its API included, are checked here."""
    return tk.current_user.is_authenticated and not _by_api_token()


def _check() -> None:
    config = current_app.config
    if request.method not in config["WTF_CSRF_METHODS"] or not config.get("WTF_CSRF_ENABLED", True):
        return
    if _by_api_token():
        return
    if _foreign_source():
        raise CSRFError(tk._("The request came from another site and was refused"))
    current_app.extensions["csrf"].protect()


def _by_api_token() -> bool:
    header = tk.config.get("apitoken_header_name") or "Authorization"
    return bool(request.headers.get(header)) and bool(g.get("login_via_auth_header")) \
        and tk.current_user.is_authenticated


def _origin(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[parts.scheme]


def _foreign_source() -> bool:
    """True when the browser says the form was on another site: its Origin, or
    without one its Referer. "Origin: null" (privacy settings, sandboxes) and no
    header at all leave the decision to the token."""
    origin = request.headers.get("Origin")
    source = request.headers.get("Referer") if origin is None else origin
    if not source or source == "null":
        return False
    own = {_origin(tk.config.get("ckan.site_url") or ""), _origin(request.host_url)}
    return _origin(source) not in own


def harden_cookies(config: Any, site_url: str) -> None:
    """Session and remember-me cookies: never readable by scripts, not sent on
    cross-site POSTs (SameSite Lax, or Strict when set so), Secure on an HTTPS site."""
    secure = site_url.lower().startswith("https://")
    for prefix in ("SESSION_COOKIE_", "REMEMBER_COOKIE_"):
        config[prefix + "HTTPONLY"] = True
        if str(config.get(prefix + "SAMESITE") or "").capitalize() != "Strict":
            config[prefix + "SAMESITE"] = "Lax"
        if secure:
            config[prefix + "SECURE"] = True
