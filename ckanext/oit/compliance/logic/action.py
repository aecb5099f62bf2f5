"""Actions of the compliance monitor: an organisation's status per item, the
ITAS answer sheet, and the roll-up under a parent organisation."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import audit, frameworks, thai_calendar, transaction
from ckanext.oit.compliance import itas, monitor, rollup
from ckanext.oit.compliance.logic import schema
from ckanext.oit.compliance.model import ItasExplanation
from ckanext.oit.i18n_messages import both
from ckanext.oit.messages import ORGANISATION_NOT_FOUND
from ckanext.oit.parameters import validated


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
    org = model.Group.get(str(data_dict.get("id") or ""))
    if org is None or not org.is_organization:
        raise tk.ObjectNotFound(ORGANISATION_NOT_FOUND.both())
    data = validated(data_dict, schema.fiscal_year_as_of(), {})
    as_of = data.get("as_of") or thai_calendar.today()
    fiscal_year = data.get("fiscal_year") or thai_calendar.fiscal_year_of(as_of)
    return org, fiscal_year, as_of


@tk.side_effect_free
def oit_itas_export(context, data_dict):
    """The ITAS answer sheet: per item of the edition, "has" or "has not", what it rests on
    (``periods``: published, due and total; ``channel``: the portal channel that works for
    the organisation, or null), the landing-page URL to submit and the agency's explanation;
    ``notice`` says when the year's item list is only provisional.
    The rule is in compliance/itas.py: an item of several periods (monthly, round) has only
    when every period already due is published; a channel item also when its channel works.

    :param id: the organisation's id or name
    :param fiscal_year: (optional) Buddhist Era
    :param as_of: (optional) ISO date the due periods are counted at; today by default
    """
    tk.check_access("oit_itas_export", context, data_dict)
    org, fiscal_year, as_of = _org_year_date(data_dict)
    notice = frameworks.resolve(fiscal_year).notice
    return {"organization": org.name, "fiscal_year": fiscal_year, "rows": itas.rows(org, fiscal_year, as_of),
            "notice": notice.both() if notice else None}


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
    transaction.commit(context)
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
