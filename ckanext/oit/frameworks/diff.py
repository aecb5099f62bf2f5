"""What an edition changes against the one it replaces: items added, removed,
renamed, renumbered, merged, split or otherwise changed, each said in Thai and
English for the sysadmin who confirms the load."""
from __future__ import annotations

from typing import Any

from ckanext.oit.frameworks.loader import Edition, Item
from ckanext.oit.i18n_messages import N_, Message

CHANGE_LABELS = {"added": N_("Added"), "removed": N_("Removed"), "renamed": N_("Renamed"),
                 "renumbered": N_("Renumbered"), "merged": N_("Merged"), "split": N_("Split"),
                 "changed": N_("Changed"), "edition": N_("Edition details")}

# fields of an item compared as "changed" (name and code have their own kinds)
_COMPARED = ("dataset_type", "cadence", "evidence", "table", "category", "indicator", "months", "channel",
             "confidence", "placeholder", "continues", "note_th", "note_en", "name_en")

_EDITION_COMPARED = ("title_th", "title_en", "fiscal_years", "follows", "confidence", "source", "round_months", "due",
                     "categories")


def _change(kind: str, message: Message, **fields: Any) -> dict[str, Any]:
    return {"change": kind, **fields, "message": message.both(), "said": message}


def compare(old: Edition | None, new: Edition) -> list[dict[str, Any]]:
    """The changes from ``old`` to ``new`` (``old`` None: every item is added)."""
    if old is None:
        return [_change("added", Message("%(code)s %(name)s is added", code=i.code, name=i.name_th),
                        key=i.key, code=i.code) for i in new.items]
    old_by_key = {i.key: i for i in old.items}
    new_by_key = {i.key: i for i in new.items}
    changes: list[dict[str, Any]] = []
    accounted: set[str] = set()     # old keys carried on by a merge or split
    if old.edition == new.edition:
        fields = [f for f in _EDITION_COMPARED if getattr(old, f) != getattr(new, f)]
        if fields:
            changes.append(_change("edition", Message("Edition %(edition)s: %(fields)s changed", edition=new.edition,
                                                      fields=", ".join(fields)), key=None, code=None, fields=fields))

    for item in new.items:
        sources = [k for k in item.counted_keys if k in old_by_key]
        if len(sources) >= 2 or (sources and item.key not in old_by_key):
            codes = ", ".join(old_by_key[k].code for k in sources)
            changes.append(_change("merged", Message(
                "%(code)s %(name)s continues %(old)s of edition %(edition)s", code=item.code, name=item.name_th,
                old=codes, edition=old.edition), key=item.key, code=item.code, keys=sources))
            accounted.update(sources)
    continued_by: dict[str, list[Item]] = {}
    for item in new.items:
        for k in item.counted_keys:
            if k in old_by_key:
                continued_by.setdefault(k, []).append(item)
    for key, items in continued_by.items():
        if len(items) >= 2:
            changes.append(_change("split", Message(
                "%(old)s %(name)s is split into %(codes)s", old=old_by_key[key].code, name=old_by_key[key].name_th,
                codes=", ".join(i.code for i in items)), key=key, code=old_by_key[key].code,
                keys=[i.key for i in items]))
            accounted.add(key)

    for item in new.items:
        before = old_by_key.get(item.key)
        if before is None:
            if not any(c["key"] == item.key and c["change"] == "merged" for c in changes):
                changes.append(_change("added", Message("%(code)s %(name)s is added", code=item.code,
                                                        name=item.name_th), key=item.key, code=item.code))
            continue
        if before.code != item.code:
            changes.append(_change("renumbered", Message(
                "%(name)s is renumbered from %(old)s to %(code)s", name=item.name_th, old=before.code, code=item.code),
                key=item.key, code=item.code, old_code=before.code))
        if before.name_th != item.name_th:
            changes.append(_change("renamed", Message(
                "%(code)s is renamed from '%(old)s' to '%(name)s'", code=item.code, old=before.name_th,
                name=item.name_th), key=item.key, code=item.code, old_name=before.name_th))
        fields = [f for f in _COMPARED if getattr(before, f) != getattr(item, f)]
        if fields:
            changes.append(_change("changed", Message(
                "%(code)s %(name)s: %(fields)s changed", code=item.code, name=item.name_th, fields=", ".join(fields)),
                key=item.key, code=item.code, fields=fields))
    for item in old.items:
        if item.key not in new_by_key and item.key not in accounted:
            changes.append(_change("removed", Message("%(code)s %(name)s is removed", code=item.code,
                                                      name=item.name_th), key=item.key, code=item.code))
    return changes


def for_api(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in c.items() if k != "said"} for c in changes]
