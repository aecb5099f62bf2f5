"""The OIT framework edition files read alone (no CKAN): the shipped ones are
clean, a broken one is refused with its entry named."""
from __future__ import annotations

import pytest
import yaml

from ckanext.oit.frameworks import FrameworkError, read_edition, read_editions
from support.frameworks import EDITIONS


@pytest.mark.parametrize("change, message", [
    (lambda d: d["items"][4].update(cadence="weekly"), "items[4] (O5): unknown cadence 'weekly'"),
    (lambda d: d["items"][9].update(key=d["items"][8]["key"]), "items[9] (O10): key"),
    (lambda d: d["items"][2].update(code="O1"), "items[2] (O1): code 'O1' is already used by items[0]"),
    (lambda d: d["items"][22].update(dataset_type="oit-nothing"), "items[22] (O23): dataset type 'oit-nothing'"),
    (lambda d: d["items"][0].update(category="9.9"), "items[0] (O1): category '9.9'"),
])
def test_a_broken_edition_is_refused_with_the_entry_named(edition_copy, change, message):
    path = edition_copy / "2565.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(FrameworkError) as failure:
        read_editions(edition_copy, dataset_types=[f"oit-{t}" for t in (
            "organization", "operation", "budget", "procurement", "hr", "complaint", "integrity")])
    assert str(path) in str(failure.value)
    assert message in str(failure.value)


def test_the_shipped_editions_read_cleanly():
    for path in sorted(EDITIONS.glob("*.yaml")):
        edition = read_edition(path)
        assert len({i.key for i in edition.items}) == len(edition.items)
