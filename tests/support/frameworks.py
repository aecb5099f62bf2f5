"""The OIT framework editions the package ships."""
from __future__ import annotations

from support import REPO

EDITIONS = REPO / "ckanext" / "oit" / "schemas" / "frameworks"
