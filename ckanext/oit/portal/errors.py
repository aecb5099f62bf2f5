"""A refusal that a view lets escape is a 403 page, not a 500.

Some views of CKAN's own plugins call actions without catching NotAuthorized (the
table view's data endpoint asks DataStore as the visitor); for a private dataset
that is a refusal, and the visitor should see one."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import current_app
from werkzeug.exceptions import Forbidden


def register(app: Any) -> None:
    app.register_error_handler(tk.NotAuthorized, _refused)


def _refused(error: tk.NotAuthorized) -> Any:
    return current_app.handle_http_exception(Forbidden(str(error) or None))
