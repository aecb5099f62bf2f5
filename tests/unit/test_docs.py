"""The documentation site names every action of ours, and only those."""
from __future__ import annotations

import re

from ckanext.oit import registry

from support import REPO


def test_the_api_page_lists_every_action_and_no_other():
    documented = set(re.findall(r"`(oit_[a-z_]+)`", (REPO / "docs" / "api.md").read_text(encoding="utf-8")))
    assert documented == set(registry.actions())
