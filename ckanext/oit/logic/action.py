"""Action API of ckanext-oit."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckan import model

from ckanext.oit import audit, disclosure, frameworks, thai_calendar
from ckanext.oit.compliance import itas, monitor, rollup
from ckanext.oit.compliance.model import ItasExplanation
from ckanext.oit.records import search as records_search
from ckanext.oit.records import tables
from ckanext.oit.workflow import change_requests, transitions
from ckanext.oit.workflow.model import ChangeRequest
from ckanext.oit.frameworks import Edition, Item
from ckanext.oit.logic import schema
from ckanext.oit.i18n_messages import Message, both
from ckanext.oit.messages import DATASET_NOT_FOUND, ORGANISATION_NOT_FOUND

__all__ = [
    "oit_framework_list", "oit_framework_show",
    "oit_submit", "oit_approve", "oit_return", "oit_withdraw",
    "oit_change_request_list", "oit_change_request_show", "oit_audit_list",
    "oit_table_schema_list", "oit_table_schema_show", "oit_records_search",
    "oit_compliance_show", "oit_compliance_rollup", "oit_itas_export", "oit_itas_explanation_update",
    "oit_organization_parent_set",
]


def _bilingual(th: str, en: str) -> dict[str, str]:
    return {"th": th, "en": en}


def _edition_summary(edition: Edition) -> dict[str, Any]:
    return {
        "edition": edition.edition,
        "title": _bilingual(edition.title_th, edition.title_en),
        "fiscal_years": list(edition.fiscal_years),
        "confidence": edition.confidence,
        "source": edition.source,
        "item_count": len(edition.items),
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
        "dataset_type": item.dataset_type,
        "cadence": item.cadence,
        "evidence": item.evidence,
        "table": item.table,
        "note": _bilingual(item.note_th, item.note_en) if item.note_th else None,
    }


@tk.side_effect_free
def oit_framework_list(context, data_dict):
    """The OIT framework editions (item lists of the assessment cycles), oldest first."""
    tk.check_access("oit_framework_list", context, data_dict)
    return [_edition_summary(e) for e in frameworks.editions()]


@tk.side_effect_free
def oit_framework_show(context, data_dict):
    """One edition with its items.

    :param edition: the edition's name, e.g. ``2565``
    :param fiscal_year: or a fiscal year (Buddhist Era, e.g. 2569): the edition that applies to it
    """
    tk.check_access("oit_framework_show", context, data_dict)
    data, errors = tk.navl_validate(data_dict, schema.framework_show(), context)
    if errors:
        raise tk.ValidationError(errors)
    if data.get("edition"):
        edition = frameworks.edition(data["edition"])
        if edition is None:
            raise tk.ObjectNotFound(both("There is no OIT edition %(edition)s", edition=data["edition"]))
    else:
        edition = frameworks.edition_for(data["fiscal_year"])
    result = _edition_summary(edition)
    if data.get("fiscal_year"):
        result["fiscal_year"] = data["fiscal_year"]
    result["monitoring_round_months"] = disclosure.round_months()
    result["categories"] = [
        {"code": c.code, "name": _bilingual(c.name_th, c.name_en)} for c in edition.categories
    ]
    result["items"] = [_item_dict(edition, item) for item in edition.items]
    return result


# --- the publishing workflow -------------------------------------------------

def _transition(name: str, context, data_dict):
    tk.check_access(f"oit_{name}", context, data_dict)
    return transitions.run(name, context, data_dict)


def oit_submit(context, data_dict):
    """Submit a draft (or returned, or withdrawn) dataset for the director's approval.

    :param id: the dataset's id or name
    """
    return _transition("submit", context, data_dict)


def oit_approve(context, data_dict):
    """Approve: publish a pending dataset, or apply the open change request of a
    published one.

    :param id: the dataset's id or name
    :param comment: (optional)
    """
    return _transition("approve", context, data_dict)


def oit_return(context, data_dict):
    """Return a pending dataset (or a change request) to its author, with a reason.

    :param id: the dataset's id or name
    :param comment: the reason (required)
    """
    return _transition("return", context, data_dict)


def oit_withdraw(context, data_dict):
    """Withdraw a published dataset from the public, with a reason.

    :param id: the dataset's id or name
    :param comment: the reason (required)
    """
    return _transition("withdraw", context, data_dict)


def _validated(data_dict: dict, input_schema: dict, context) -> dict:
    """The parameters ``input_schema`` knows, validated (a ValidationError naming
    the field otherwise); the other parameters are read by the action itself."""
    data, errors = tk.navl_validate(data_dict, input_schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


_ID_OR_ORGANIZATION = Message("Give id or organization")


def _package_or_404(id_or_name: str) -> model.Package:
    package = model.Package.get(str(id_or_name or ""))
    if package is None:
        raise tk.ObjectNotFound(DATASET_NOT_FOUND.both())
    return package


@tk.side_effect_free
def oit_change_request_list(context, data_dict):
    """Change requests of a dataset (``id``) or an organisation (``organization``).

    :param status: ``open`` (default), ``approved``, ``returned`` or ``all``
    """
    tk.check_access("oit_change_request_list", context, data_dict)
    status = _validated(data_dict, schema.change_request_list(), context)["status"]
    query = model.Session.query(ChangeRequest)
    if data_dict.get("id"):
        query = query.filter(ChangeRequest.package_id == _package_or_404(data_dict["id"]).id)
    else:
        org = model.Group.get(str(data_dict.get("organization") or ""))
        if org is None:
            raise tk.ValidationError({"id": [_ID_OR_ORGANIZATION.both()]})
        query = query.filter(ChangeRequest.owner_org == org.id)
    if status != "all":
        query = query.filter(ChangeRequest.status == status)
    return [change_requests.summary(r) for r in query.order_by(ChangeRequest.requested_at)]


@tk.side_effect_free
def oit_change_request_show(context, data_dict):
    """One change request with a before/after of each change it holds.

    :param id: the change request's id
    """
    request = model.Session.get(ChangeRequest, str(data_dict.get("id") or ""))
    if request is None:
        raise tk.ObjectNotFound(both("Change request not found"))
    tk.check_access("oit_change_request_show", context, dict(data_dict, package_id=request.package_id))
    return change_requests.show(request)


@tk.side_effect_free
def oit_audit_list(context, data_dict):
    """The audit trail of a dataset (``id``) or an organisation (``organization``), oldest first.

    :param limit: (optional) at most this many events, 0–1000 (1000 by default)
    :param offset: (optional)
    """
    tk.check_access("oit_audit_list", context, data_dict)
    numbers = _validated(data_dict, schema.audit_list(), context)
    limit, offset = numbers["limit"], numbers["offset"]
    if data_dict.get("id"):
        events = audit.events(package_id=_package_or_404(data_dict["id"]).id, limit=limit, offset=offset)
    else:
        org = model.Group.get(str(data_dict.get("organization") or ""))
        if org is None:
            raise tk.ValidationError({"id": [_ID_OR_ORGANIZATION.both()]})
        events = audit.events(owner_org=org.id, limit=limit, offset=offset)
    return [audit.event_dict(e) for e in events]


# --- records ---------------------------------------------------------------------

@tk.side_effect_free
def oit_table_schema_list(context, data_dict):
    """The table schemas of the tabular disclosures: name and titles."""
    tk.check_access("oit_table_schema_list", context, data_dict)
    return [{"name": name, "title": _bilingual(schema.get("title", name),
                                               (schema.get("oit") or {}).get("title_en", name)),
             "field_count": len(schema["fields"])}
            for name, schema in ((n, tables.get(n)) for n in tables.names())]


@tk.side_effect_free
def oit_table_schema_show(context, data_dict):
    """One Frictionless Table Schema.

    :param name: e.g. ``procurement-monthly-summary``
    """
    tk.check_access("oit_table_schema_show", context, data_dict)
    schema = tables.get(str(data_dict.get("name") or ""))
    if schema is None:
        raise tk.ObjectNotFound(both("No table schema %(name)s", name=data_dict.get("name")))
    return schema


@tk.side_effect_free
def oit_records_search(context, data_dict):
    """Every record of one kind for an organisation, across its datasets: e.g.
    every procurement row of FY 2569 from the twelve monthly summaries. Only
    datasets the caller may see take part (the public: published ones).

    :param organization: the organisation's id or name
    :param table: the table schema's name, e.g. ``procurement-monthly-summary``
    :param fiscal_year: (optional) Buddhist Era
    :param period: (optional) e.g. ``2025-10``
    :param filters: (optional) ``{column: value}`` (a dict or JSON text)
    :param limit: (optional, default 100) and ``offset``
    """
    tk.check_access("oit_records_search", context, data_dict)
    org = model.Group.get(str(data_dict.get("organization") or ""))
    if org is None:
        raise tk.ObjectNotFound(ORGANISATION_NOT_FOUND.both())
    data = _validated(data_dict, schema.records_search(), context)
    return records_search.search(
        {"user": context.get("user"), "ignore_auth": False}, org.id, str(data_dict.get("table") or ""),
        data.get("fiscal_year"), data_dict.get("period") or None, data.get("filters") or {},
        data["limit"], data["offset"])


# --- compliance --------------------------------------------------------------------

@tk.side_effect_free
def oit_compliance_show(context, data_dict):
    """Every item of the edition that applies, with each expected period's status
    (published, pending, returned, missing, overdue, not_yet_due) and the score.
    Outsiders see what is public only: unpublished work shows as not published.

    :param id: the organisation's id or name
    :param fiscal_year: (optional) Buddhist Era; the current one by default
    :param as_of: (optional) ISO date; today by default
    """
    tk.check_access("oit_compliance_show", context, data_dict)
    org, fiscal_year, as_of = _org_year_date(data_dict)
    return monitor.show({"user": context.get("user"), "ignore_auth": False},
                        {"id": org.id, "name": org.name}, fiscal_year, as_of)


def _org_year_date(data_dict):
    import datetime
    org = model.Group.get(str(data_dict.get("id") or ""))
    if org is None or not org.is_organization:
        raise tk.ObjectNotFound(ORGANISATION_NOT_FOUND.both())
    data = _validated(data_dict, schema.fiscal_year_as_of(), {})
    as_of = data.get("as_of") or datetime.date.today()
    fiscal_year = data.get("fiscal_year") or thai_calendar.fiscal_year_of(as_of)
    return org, fiscal_year, as_of


@tk.side_effect_free
def oit_itas_export(context, data_dict):
    """The ITAS answer sheet: per item of the edition, "has" or "has not" (published or not),
    the landing-page URL to submit and the agency's explanation.

    :param id: the organisation's id or name
    :param fiscal_year: (optional) Buddhist Era
    """
    tk.check_access("oit_itas_export", context, data_dict)
    org, fiscal_year, as_of = _org_year_date(data_dict)
    return {"organization": org.name, "fiscal_year": fiscal_year, "rows": itas.rows(org, fiscal_year, as_of)}


def oit_itas_explanation_update(context, data_dict):
    """Set the explanation the agency gives with one item's ITAS answer.

    :param id: the organisation; :param fiscal_year: Buddhist Era; :param item_key:; :param text:
    """
    tk.check_access("oit_itas_explanation_update", context, data_dict)
    org, fiscal_year, _ = _org_year_date(data_dict)
    key = str(data_dict.get("item_key") or "")
    if frameworks.item_for(key, fiscal_year) is None:
        raise tk.ValidationError({"item_key": [both("Unknown item %(key)s", key=key)]})
    existing = model.Session.get(ItasExplanation, (org.id, fiscal_year, key))
    row = existing or ItasExplanation(owner_org=org.id, fiscal_year=fiscal_year, item_key=key)
    text = str(data_dict.get("text") or "")
    if existing is not None and existing.text == text:
        return {"item_key": key, "fiscal_year": fiscal_year, "text": row.text}  # no change, no event
    user = model.User.get(context.get("user") or "")
    # what assessors read beside the answer: every change is in the organisation's audit trail
    audit.record(action="itas_explanation", package_id=None, owner_org=org.id,
                 actor_id=user.id if user else None, actor_name=user.name if user else None,
                 comment=f"{key} {fiscal_year}",
                 before={"item_key": key, "fiscal_year": fiscal_year, "text": existing.text} if existing else None,
                 after={"item_key": key, "fiscal_year": fiscal_year, "text": text})
    row.text = text
    row.updated_by = user.id if user else None
    model.Session.add(row)
    model.repo.commit()
    return {"item_key": key, "fiscal_year": fiscal_year, "text": row.text}


@tk.side_effect_free
def oit_compliance_rollup(context, data_dict):
    """The compliance of every organisation below a parent, weakest first
    (for the parent's admins, the supervisors).

    :param id: the parent organisation; :param fiscal_year: (optional); :param as_of: (optional)
    """
    tk.check_access("oit_compliance_rollup", context, data_dict)
    org, fiscal_year, as_of = _org_year_date(data_dict)
    return rollup.rollup({"user": context.get("user"), "ignore_auth": False}, org, fiscal_year, as_of)


def oit_organization_parent_set(context, data_dict):
    """Place an organisation under a parent organisation (sysadmins).

    :param id: the organisation; :param parent: the parent organisation
    """
    tk.check_access("oit_organization_parent_set", context, data_dict)
    child, parent = model.Group.get(str(data_dict.get("id") or "")), model.Group.get(str(data_dict.get("parent") or ""))
    if child is None or parent is None or child.id == parent.id:
        raise tk.ValidationError({"parent": [both("Give two different organisations")]})
    rollup.set_parent(child, parent)
    return {"id": child.name, "parent": parent.name}
