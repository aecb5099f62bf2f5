"""`oit_demo`: the `ckan oit-demo` command, for development portals only."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.oit_demo.cli import oit_demo


@tk.blanket.cli([oit_demo])
class OitDemoPlugin(p.SingletonPlugin):
    pass
