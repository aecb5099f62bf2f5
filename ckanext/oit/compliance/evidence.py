"""The portal's own channels as ITAS evidence: which item a channel answers
(schemas/itas-channels.yaml, data) and whether the channel works for an
organisation (decided here, from what the channels keep).

A channel "works" for an organisation when a member of the public can use it
there and someone of the organisation will act on what comes in:
- questions and feedback: the organisation is active and has at least one active
  editor or admin, a person (they moderate, answer and respond; an unanswered Q&A is no
  two-way channel);
- complaints: it has at least one confirmed complaint officer who still
  qualifies (an active editor or admin); without one, filed complaints wait
  unread (channels/officers.py);
- e-service: its e-service address is set (the organisation's field
  ``e_service_url``, an http(s) URL, compliance/e_service.py): the portal offers no e-service itself.
Nothing here writes: a lapsed officer is skipped, not lapsed (that is officers.py's job).
"""
from __future__ import annotations

import functools
from pathlib import Path

import yaml

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.channels import officers
from ckanext.oit.channels.model import ComplaintOfficer
from ckanext.oit.compliance import e_service
from ckanext.oit.i18n_messages import N_, Message, UserError

MAPPING_FILE = Path(__file__).resolve().parents[1] / "schemas" / "itas-channels.yaml"
# channel -> (the page of it on this portal, or None for the e-service; what it is called)
CHANNELS = {
    "questions": ("oit_channels.questions", N_("Q&A on this portal")),
    "complaints": ("oit_channels.complaint_new", N_("File a complaint on this portal")),
    "feedback": ("oit_channels.feedback", N_("Give your opinion on this portal")),
    "e-service": (None, N_("The agency's e-service")),
}


class ChannelMappingError(UserError):
    """The mapping file cannot be used; the message names the entry."""


def read_mapping(path: Path = MAPPING_FILE) -> dict[str, dict[str, str]]:
    """edition -> item key -> channel, checked for unknown channels."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise ChannelMappingError(Message("%(where)s: must be a mapping of editions", where=str(path)))
    result: dict[str, dict[str, str]] = {}
    for edition, items in raw.items():
        if not isinstance(items, dict):
            raise ChannelMappingError(Message("%(where)s: edition %(edition)s must map item keys to channels",
                                              where=str(path), edition=edition))
        for key, channel in items.items():
            if channel not in CHANNELS:
                raise ChannelMappingError(Message(
                    "%(where)s: %(edition)s %(key)s: unknown channel '%(channel)s' (known: %(known)s)",
                    where=str(path), edition=edition, key=key, channel=channel, known=", ".join(CHANNELS)))
        result[str(edition)] = {str(k): str(v) for k, v in items.items()}
    return result


@functools.lru_cache(maxsize=1)
def mapping() -> dict[str, dict[str, str]]:
    return read_mapping()


def channel_of(edition: str, item_key: str) -> str | None:
    """The channel the edition's item names, else the one the mapping file gives."""
    from ckanext.oit import frameworks

    found = frameworks.edition(str(edition))
    item = found.item_by_key(item_key) if found is not None else None
    if item is not None and item.channel:
        return item.channel
    return mapping().get(str(edition), {}).get(item_key)


def _has_staff(org: model.Group) -> bool:
    # CKAN's site user (named after ckan.site_id) becomes admin of what it creates, but is nobody
    return model.Session.query(model.Member.id).join(model.User, model.Member.table_id == model.User.id).filter(
        model.Member.group_id == org.id, model.Member.table_name == "user", model.Member.state == model.State.ACTIVE,
        model.Member.capacity.in_(officers.CAPACITIES), model.User.state == model.State.ACTIVE,
        model.User.name != tk.config.get("ckan.site_id")).first() is not None


def _has_officer(org: model.Group) -> bool:
    confirmed = model.Session.query(ComplaintOfficer).filter(
        ComplaintOfficer.owner_org == org.id, ComplaintOfficer.confirmed_at.isnot(None))
    return any(officers.qualifies(officers.user_of(row.user_id), org.id) for row in confirmed)


def e_service_url(org: model.Group) -> str | None:
    return e_service.address((org.extras or {}).get(e_service.FIELD))


def _page(endpoint: str, org: model.Group) -> str:
    # the address without a language prefix: it goes into files too
    return tk.url_for(endpoint, org=org.name, qualified=True, locale="default")


def working(org: model.Group) -> dict[str, str]:
    """channel -> its address, for the channels that work for the organisation now."""
    if org.state != model.State.ACTIVE:
        return {}
    found = {}
    if _has_staff(org):
        found["questions"] = _page(CHANNELS["questions"][0], org)
        found["feedback"] = _page(CHANNELS["feedback"][0], org)
    if _has_officer(org):
        found["complaints"] = _page(CHANNELS["complaints"][0], org)
    if url := e_service_url(org):
        found["e-service"] = url
    return found


def label(channel: str) -> str:
    """The msgid naming a channel."""
    return CHANNELS[channel][1]
