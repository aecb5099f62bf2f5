"""Complaint officers under a two-person rule: who may read complaints (with
the complainants' names and addresses) is never decided by one person alone.

- A sysadmin designates a member directly; an organisation admin only
  proposes, and a different admin of the organisation (or a sysadmin)
  confirms. Nobody confirms their own proposal or their own designation.
  Until confirmed, the person has no access.
- Only editors and admins of the organisation may hold a designation. It
  lapses for good (the row is deleted) when the person leaves the
  organisation, drops to member or is deleted: on the membership change
  (channels/membership.py) and, as a backstop, whenever access is checked.
- Every proposal, designation, confirmation, refusal, removal and lapse is an
  audit event of the organisation (names only, never complainant data) and a
  mail to the existing officers and the person concerned.
"""
from __future__ import annotations

import datetime
import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz, model

from ckanext.oit import audit, transaction
from ckanext.oit.channels.model import ComplaintOfficer
from ckanext.oit.i18n_messages import Message, N_, both

log = logging.getLogger(__name__)

CAPACITIES = ("editor", "admin")  # who may hold a designation
PROPOSED, CONFIRMED = "proposed", "confirmed"

PROPOSE, DESIGNATE, CONFIRM = "officer_propose", "officer_designate", "officer_confirm"
REFUSE, REMOVE, LAPSE = "officer_refuse", "officer_remove", "officer_lapse"
EVENTS = (PROPOSE, DESIGNATE, CONFIRM, REFUSE, REMOVE, LAPSE)

audit.ACTION_LABELS.update({
    PROPOSE: N_("Propose a complaint officer"),
    DESIGNATE: N_("Designate a complaint officer"),
    CONFIRM: N_("Confirm a complaint officer"),
    REFUSE: N_("Refuse or cancel an officer proposal"),
    REMOVE: N_("Remove a complaint officer"),
    LAPSE: N_("Complaint officer designation lapsed"),
})

OWN_PROPOSAL = Message("Nobody confirms their own proposal: another admin must")
OWN_DESIGNATION = Message("Nobody confirms their own designation")
NOBODY = Message("A confirmation needs a signed-in person")


def _now() -> datetime.datetime:
    return datetime.datetime.utcnow()


def user_of(value: Any) -> model.User | None:
    return model.User.get(str(value)) if value else None


def name_of(user_id: str | None) -> str | None:
    user = user_of(user_id)
    return user.name if user else None


def role(user: model.User | None, org_id: str) -> str | None:
    return authz.users_role_for_group_or_org(org_id, user.name) if user is not None else None


def qualifies(user: model.User | None, org_id: str) -> bool:
    """Active, and an editor or admin of the organisation right now."""
    return user is not None and user.state == model.State.ACTIVE and role(user, org_id) in CAPACITIES


def designation(org_id: str | None, user_id: str | None) -> ComplaintOfficer | None:
    if not org_id or not user_id:
        return None
    return model.Session.get(ComplaintOfficer, (org_id, user_id))


def rows(org_id: str) -> list[ComplaintOfficer]:
    return (model.Session.query(ComplaintOfficer).filter(ComplaintOfficer.owner_org == org_id)
            .order_by(ComplaintOfficer.added_at).all())


def state_of(row: ComplaintOfficer) -> str:
    return CONFIRMED if row.confirmed_at is not None else PROPOSED


def _summary(row: ComplaintOfficer) -> dict[str, Any]:
    """What the audit trail keeps of a designation: names, no complaint data."""
    result = {"user": name_of(row.user_id) or row.user_id, "state": state_of(row),
              "proposed_by": name_of(row.added_by)}
    if row.confirmed_at is not None:
        result["confirmed_by"] = name_of(row.confirmed_by)
    return result


# --- access -------------------------------------------------------------------------

def is_officer(user_name: str | None, org_id: str | None) -> bool:
    """A confirmed designation of a person who is still an editor or admin of
    the organisation. A designation whose holder no longer qualifies lapses here."""
    user = user_of(user_name)
    found = designation(org_id, user.id if user else None)
    if found is None:
        return False
    if not qualifies(user, org_id):
        lapse(found)
        return False
    return found.confirmed_at is not None


def check_org(org_id: str, actor: model.User | None = None, context: dict | None = None) -> int:
    """Lapse every designation (or proposal) of the organisation whose person
    no longer qualifies; returns how many lapsed."""
    lapsed = 0
    for row in rows(org_id):
        if not qualifies(user_of(row.user_id), org_id):
            lapse(row, actor, context)
            lapsed += 1
    return lapsed


def check_user(user_id: str, actor: model.User | None = None, context: dict | None = None) -> int:
    lapsed = 0
    for row in model.Session.query(ComplaintOfficer).filter(ComplaintOfficer.user_id == user_id).all():
        if not qualifies(user_of(row.user_id), row.owner_org):
            lapse(row, actor, context)
            lapsed += 1
    return lapsed


# --- changes --------------------------------------------------------------------------

def _event(action: str, org_id: str, actor: model.User | None, before: Any, after: Any,
           comment: str | None = None) -> None:
    audit.record(action=action, package_id=None, owner_org=org_id,
                 actor_id=actor.id if actor else None, actor_name=actor.name if actor else None,
                 before=before, after=after, comment=comment)


def _tell(action: str, org_id: str, user: model.User | None, actor: model.User | None,
          summary: dict[str, Any], comment: Message | None = None) -> None:
    """Mail the change after it is committed; a mail that cannot be queued never undoes it."""
    from ckanext.oit.channels import jobs

    try:
        to = recipients(org_id, user, actor, admins=action == PROPOSE)
        jobs.mail_designation(action, org_id, summary, actor, to, comment)
    except Exception:
        log.exception("the officers of %s could not be told of %s", org_id, action)


def _lapse_reason(user: model.User | None, org_id: str) -> Message:
    if user is None or user.state != model.State.ACTIVE:
        return Message("the user was deleted or is not active")
    capacity = role(user, org_id)
    if capacity is None:
        return Message("left the organisation")
    return Message("no longer an editor or admin (%(capacity)s)", capacity=capacity)


def lapse(row: ComplaintOfficer, actor: model.User | None = None, context: dict | None = None) -> None:
    """End a designation whose holder left: deleted, so rejoining does not restore it.
    ``context``: of the action that found it (its defer_commit is honoured)."""
    org_id, user = row.owner_org, user_of(row.user_id)
    summary, reason = _summary(row), _lapse_reason(user, row.owner_org)
    model.Session.delete(row)
    _event(LAPSE, org_id, actor, summary, None, comment=reason.both())
    transaction.commit(context or {})
    log.info("complaint officer %s of %s lapsed: %s", summary["user"], org_id, reason.say("en"))
    _tell(LAPSE, org_id, user, actor, summary, reason)


def add(org: model.Group, user: model.User, actor: model.User | None, context: dict | None = None) -> str:
    """A sysadmin's designation of someone else takes effect at once; any
    other is a proposal. A sysadmin adding a person someone else proposed
    confirms it. Returns the audit action taken, or "" when nothing changed."""
    existing = designation(org.id, user.id)
    direct = actor is not None and authz.is_sysadmin(actor.name) and actor.id != user.id
    if existing is not None:
        if direct and existing.confirmed_at is None and existing.added_by != actor.id:
            return confirm(org, user, actor, context)
        return ""
    row = ComplaintOfficer(owner_org=org.id, user_id=user.id, added_by=actor.id if actor else None,
                           added_at=_now())
    if direct:
        row.confirmed_by, row.confirmed_at = actor.id, row.added_at
    model.Session.add(row)
    model.Session.flush()
    action = DESIGNATE if direct else PROPOSE
    summary = _summary(row)
    _event(action, org.id, actor, None, summary)
    transaction.commit(context or {})
    _tell(action, org.id, user, actor, summary)
    return action


def may_confirm(row: ComplaintOfficer | None, actor: model.User | None) -> Message | None:
    """Why ``actor`` may not confirm ``row`` (None: they may, as far as the two-person rule goes)."""
    if actor is None:
        return NOBODY
    if row is not None and actor.id == row.user_id:
        return OWN_DESIGNATION
    if row is not None and actor.id == row.added_by:
        return OWN_PROPOSAL
    return None


def confirm(org: model.Group, user: model.User, actor: model.User | None, context: dict | None = None) -> str:
    row = designation(org.id, user.id)
    if row is None or row.confirmed_at is not None:
        raise tk.ValidationError({"user": [both("No proposal of this user is waiting for confirmation")]})
    refusal = may_confirm(row, actor)
    if refusal:
        raise tk.NotAuthorized(refusal.both())
    if not qualifies(user, org.id):
        lapse(row, actor, context)
        raise tk.ValidationError({"user": [both("The user is no longer an editor or admin; the proposal lapsed")]})
    before = _summary(row)
    row.confirmed_by, row.confirmed_at = actor.id, _now()
    summary = _summary(row)
    _event(CONFIRM, org.id, actor, before, summary)
    transaction.commit(context or {})
    _tell(CONFIRM, org.id, user, actor, summary)
    return CONFIRM


def remove(org: model.Group, user: model.User, actor: model.User | None, context: dict | None = None) -> str:
    """End a designation, or refuse (cancel) a proposal; "" if there was none."""
    row = designation(org.id, user.id)
    if row is None:
        return ""
    action = REMOVE if row.confirmed_at is not None else REFUSE
    summary = _summary(row)
    model.Session.delete(row)
    _event(action, org.id, actor, summary, None)
    transaction.commit(context or {})
    _tell(action, org.id, user, actor, summary)
    return action


# --- who is told ------------------------------------------------------------------------

def recipients(org_id: str, concerned: model.User | None, actor: model.User | None,
               admins: bool = False) -> list[model.User]:
    """The organisation's confirmed officers still in it, the person concerned
    and, for a proposal, the admins who may confirm it; never the actor; one
    mail per address. Reads only (no lapse from here)."""
    people = [user_of(row.user_id) for row in rows(org_id) if row.confirmed_at is not None]
    people = [u for u in people if qualifies(u, org_id)]
    if concerned is not None and concerned.state == model.State.ACTIVE:
        people.append(concerned)
    if admins:
        people += (model.Session.query(model.User).join(model.Member, model.Member.table_id == model.User.id)
                   .filter(model.Member.group_id == org_id, model.Member.table_name == "user",
                           model.Member.state == model.State.ACTIVE, model.Member.capacity == "admin",
                           model.User.state == model.State.ACTIVE).all())
    seen, found = set(), []
    for user in sorted(people, key=lambda u: u.name):
        address = (user.email or "").strip().lower()
        if not address or address in seen or (actor is not None and user.id == actor.id):
            continue
        seen.add(address)
        found.append(user)
    return found


def listing(org_id: str, state: str = CONFIRMED) -> list[dict[str, Any]]:
    """Designations (``confirmed``), proposals (``proposed``) or both (``all``),
    oldest first; lapsed ones are ended on the way."""
    check_org(org_id)
    result = []
    for row in rows(org_id):
        if state != "all" and state_of(row) != state:
            continue
        user = user_of(row.user_id)
        if user is None:
            continue
        result.append({
            "user": user.name, "fullname": user.fullname, "state": state_of(row),
            "proposed_by": name_of(row.added_by), "proposed_at": _iso(row.added_at),
            "confirmed_by": name_of(row.confirmed_by), "confirmed_at": _iso(row.confirmed_at),
            # kept for callers of the first version: when it took effect (or was proposed)
            "added_at": _iso(row.confirmed_at or row.added_at),
        })
    return result


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None
