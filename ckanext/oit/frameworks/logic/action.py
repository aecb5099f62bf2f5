"""Actions of the OIT framework editions: their item lists, and how a sysadmin
loads, corrects and chooses them in the running portal."""
from __future__ import annotations

import base64
import contextlib
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import disclosure, frameworks, transaction
from ckanext.oit.frameworks import Edition, Item, diff, jobs, loader, registry, store, tabular
from ckanext.oit.frameworks.logic import schema
from ckanext.oit.i18n_messages import both
from ckanext.oit.parameters import validated
from ckanext.oit.records import tables

UPLOAD_MAX_BYTES = 5 * 1024 * 1024  # an item list is a few dozen rows


def _bilingual(th: str | None, en: str | None) -> dict[str, str | None]:
    return {"th": th, "en": en}


def _edition_summary(edition: Edition) -> dict[str, Any]:
    stored = store.loaded(edition.edition) if edition.origin == "stored" else None
    return {
        "edition": edition.edition,
        "title": _bilingual(edition.title_th, edition.title_en),
        "fiscal_years": list(edition.fiscal_years),
        "follows": edition.follows,
        "confidence": edition.confidence,
        "source": edition.source,
        "origin": edition.origin,
        "loaded_by": stored.loaded_by if stored else None,
        "loaded_at": stored.loaded_at.isoformat() if stored and stored.loaded_at else None,
        "round_months": edition.round_months or disclosure.round_months(),
        "due": dict(edition.due),
        "item_count": len(edition.items),
        "placeholder_count": len(edition.placeholders),
        "category_count": len(edition.categories),
    }


def _item_dict(edition: Edition, item: Item) -> dict[str, Any]:
    category = edition.category(item.category)
    return {
        "code": item.code,
        "key": item.key,
        "name": _bilingual(item.name_th, item.name_en),
        "category": item.category,
        "category_name": _bilingual(category.name_th, category.name_en) if category else None,
        "indicator": item.indicator,
        "dataset_type": item.dataset_type,
        "cadence": item.cadence,
        "months": item.months,
        "evidence": item.evidence,
        "table": item.table,
        "channel": item.channel,
        "continues": list(item.continues),
        "confidence": item.confidence,
        "placeholder": item.placeholder,
        "source": item.source,
        "note": _bilingual(item.note_th, item.note_en) if item.note_th else None,
    }


@tk.side_effect_free
def oit_framework_list(context, data_dict):
    """The OIT framework editions (item lists of the assessment cycles), oldest
    first, and the fiscal years whose edition is chosen."""
    tk.check_access("oit_framework_list", context, data_dict)
    return [_edition_summary(e) for e in frameworks.editions()]


@tk.side_effect_free
def oit_framework_show(context, data_dict):
    """One edition with its items.

    :param edition: the edition's name, e.g. ``2565``
    :param fiscal_year: or a fiscal year (Buddhist Era, e.g. 2569): the edition that applies to it;
        ``provisional`` is true (with a ``notice``) when no edition is confirmed for that year
    """
    tk.check_access("oit_framework_show", context, data_dict)
    data = validated(data_dict, schema.framework_show(), context)
    if data.get("edition"):
        edition = frameworks.edition(data["edition"])
        if edition is None:
            raise tk.ObjectNotFound(both("There is no OIT edition %(edition)s", edition=data["edition"]))
    else:
        edition = frameworks.edition_for(data["fiscal_year"])
    result = _edition_summary(edition)
    if data.get("fiscal_year"):
        resolution = registry.resolve(data["fiscal_year"])
        notice = resolution.notice
        result.update(fiscal_year=data["fiscal_year"], provisional=resolution.provisional,
                      notice=notice.both() if notice else None)
    result["monitoring_round_months"] = edition.round_months or disclosure.round_months()
    result["categories"] = [
        {"code": c.code, "name": _bilingual(c.name_th, c.name_en)} for c in edition.categories
    ]
    result["items"] = [_item_dict(edition, item) for item in edition.items]
    return result


def _upload_bytes(data: dict[str, Any]) -> tuple[bytes, str]:
    upload = data.get("upload")
    if upload is not None and hasattr(upload, "read"):
        content = upload.read(UPLOAD_MAX_BYTES + 1)
        filename = data.get("filename") or getattr(upload, "filename", "") or ""
    elif data.get("content"):
        content, filename = data["content"].encode("utf-8"), data.get("filename") or "content.yaml"
    else:
        raise tk.ValidationError({"upload": [both("Give the edition file (upload) or its text (content)")]})
    if len(content) > UPLOAD_MAX_BYTES:
        raise tk.ValidationError({"upload": [both("The edition file is over %(mb)s MB", mb=UPLOAD_MAX_BYTES // 2**20)]})
    return content, filename


def _invalid(error: loader.FrameworkError) -> tk.ValidationError:
    problems = error.problems if isinstance(error, loader.EditionInvalid) else [error.message]
    return tk.ValidationError({"upload": [p.both() for p in problems]})


@contextlib.contextmanager
def _reindexed():
    """A change of the editions in force: the next call reads them again, and the
    datasets whose O-codes or categories it changes are indexed again (a job)."""
    years = jobs.fiscal_years_in_index()
    before = jobs.resolutions(years)
    yield
    registry.forget()
    jobs.queue_reindex(jobs.changed_years(before, jobs.resolutions(years)))


def _actor(context: dict[str, Any]) -> model.User | None:
    return model.User.get(context.get("user") or "")


def _refuse_orphaned_keys(before: dict[str, Edition], after: dict[str, Edition], field: str) -> None:
    """Datasets keep their item key: a change that leaves a key in use in no edition
    would make them impossible to edit, and their landing pages disappear."""
    def keys(editions: dict[str, Edition]) -> set[str]:
        return {i.key for e in editions.values() for i in e.items}

    gone = keys(before) - keys(after)
    orphaned = sorted(store.keys_in_use() & gone) if gone else []
    if orphaned:
        raise tk.ValidationError({field: [both(
            "Datasets use the item key %(keys)s, which no edition would have then: keep it in an item of this "
            "edition or of another one", keys=", ".join(orphaned))]})


def oit_edition_load(context, data_dict):
    """Check an edition file (YAML, XLSX, or CSV of the items of an existing
    edition) and say what it changes; with ``confirm`` store it, so that every web
    node and worker uses it from the next request. Sysadmins only.

    :param upload: the file (multipart), or ``content``: its text (YAML or CSV)
    :param filename: (optional) its name, which tells the format (``.xlsx``, ``.csv``, else YAML)
    :param edition: (CSV only) the edition whose items the file replaces
    :param confirm: (optional) store it; without, nothing is saved
    :param revision: (optional, with ``confirm``) the ``revision`` the check returned: the
        file is stored only if no edition changed since
    :param comment: (optional) why, for the audit trail
    :returns: ``edition``, ``replaces`` (the edition compared with), ``changes`` (each with
        ``change``: added, removed, renamed, renumbered, merged, split or changed, and a
        ``message``), ``saved``, and ``document`` (the checked edition, to confirm with)
    Invalid files are refused with every problem (row and field) under ``upload``.
    """
    tk.check_access("oit_edition_load", context, data_dict)
    data = validated(data_dict, schema.edition_load(), context)
    content, filename = _upload_bytes(data)
    saved = bool(data.get("confirm"))
    if saved:
        # checked against the editions as they are once no other change is under way
        now = store.lock()
        if data.get("revision") is not None and data["revision"] != (now or ""):
            raise tk.ValidationError({"revision": [both(
                "The editions were changed since this file was checked: check the file again")]})
    revision = store.token() or ""
    base = None
    if data.get("edition"):
        base = frameworks.edition(data["edition"])
        if base is None:
            raise tk.ValidationError({"edition": [both("There is no OIT edition %(edition)s", edition=data["edition"])]})
    try:
        document, where = tabular.read_document(content, filename, base)
        parsed = loader.parse_edition(document, filename, registry.dataset_types(), where, tables.names())
        current = registry.all_editions()
        candidate = dict(current)
        candidate[parsed.edition] = parsed
        loader.check_across_editions(candidate, only=parsed.edition, item_where=where,
                                     replaced=current.get(parsed.edition))
    except loader.FrameworkError as error:
        raise _invalid(error) from error
    if base is not None and parsed.edition != base.edition:
        raise tk.ValidationError({"edition": [both("The file is edition %(found)s, not %(edition)s",
                                                   found=parsed.edition, edition=base.edition)]})
    _refuse_orphaned_keys(current, candidate, "upload")
    replaced = current.get(parsed.edition) or loader.previous_of(parsed, candidate)
    changes = diff.compare(replaced, parsed)
    if saved:
        with _reindexed():
            store.save(parsed.document, _actor(context), data.get("comment"), diff.for_api(changes))
            transaction.commit(context)
    return {"edition": parsed.edition, "replaces": replaced.edition if replaced else None,
            "same_name": parsed.edition in current, "changes": diff.for_api(changes), "saved": saved,
            "item_count": len(parsed.items), "document": parsed.document, "revision": revision}


def oit_edition_reset(context, data_dict):
    """Forget the stored copy of an edition: its packaged file serves again (an
    edition that has no file is removed). Sysadmins only.

    :param edition: the edition's name
    :param comment: (optional) why, for the audit trail
    """
    tk.check_access("oit_edition_reset", context, data_dict)
    data = validated(data_dict, schema.edition_name(), context)
    name = data["edition"]
    store.lock()
    if name not in registry.packaged() and name in registry.fiscal_year_map().values():
        raise tk.ValidationError({"edition": [both(
            "Edition %(edition)s is chosen for a fiscal year: choose another edition for that year first",
            edition=name)]})
    current = registry.all_editions()
    remaining = {k: e for k, e in current.items() if k != name}
    if name in registry.packaged():
        remaining[name] = registry.packaged()[name]
    _refuse_orphaned_keys(current, remaining, "edition")
    with _reindexed():
        if not store.reset(name, _actor(context), data.get("comment")):
            raise tk.ObjectNotFound(both("Edition %(edition)s has no stored copy", edition=name))
        transaction.commit(context)
    return {"edition": name, "origin": "package" if name in registry.packaged() else None}


@tk.side_effect_free
def oit_edition_export(context, data_dict):
    """An edition as a file people edit and load back.

    :param edition: the edition's name
    :param format: ``yaml`` (the default; the text) or ``xlsx`` (base64)
    """
    tk.check_access("oit_edition_export", context, data_dict)
    data = validated(data_dict, schema.edition_export(), context)
    edition = frameworks.edition(data["edition"])
    if edition is None:
        raise tk.ObjectNotFound(both("There is no OIT edition %(edition)s", edition=data["edition"]))
    kind = data.get("format") or "yaml"
    content, media_type = tabular.export(edition, kind)
    return {"edition": edition.edition, "format": kind, "media_type": media_type,
            "filename": f"oit-edition-{edition.edition}.{kind}",
            "content": content.decode("utf-8") if kind == "yaml" else base64.b64encode(content).decode("ascii")}


def oit_fiscal_year_edition_set(context, data_dict):
    """Choose the edition of a fiscal year (confirming it), or with no
    ``edition`` return the year to the default rule. Sysadmins only.

    :param fiscal_year: Buddhist Era, e.g. 2570
    :param edition: (optional) the edition's name
    :param comment: (optional) why, for the audit trail
    """
    tk.check_access("oit_fiscal_year_edition_set", context, data_dict)
    data = validated(data_dict, schema.fiscal_year_edition_set(), context)
    name = data.get("edition") or None
    store.lock()
    if name is not None and frameworks.edition(name) is None:
        raise tk.ValidationError({"edition": [both("There is no OIT edition %(edition)s", edition=name)]})
    with _reindexed():
        store.set_fiscal_year(data["fiscal_year"], name, _actor(context), data.get("comment"))
        transaction.commit(context)
    resolution = registry.resolve(data["fiscal_year"])
    return {"fiscal_year": data["fiscal_year"], "edition": resolution.edition.edition,
            "provisional": resolution.provisional}
