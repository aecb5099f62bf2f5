"""Two-way channels: Q&A (O8), corruption complaints (O30) and their statistics (O31), feedback (O32)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.oit.i18n_messages import Message, N_

# The items whose evidence is a working channel that this portal itself provides,
# so the OIT page and the item's landing page can point at it: (endpoint, msgid).
PAGE_OF_ITEM = {
    "qa-channel": ("oit_channels.questions", N_("Q&A on this portal")),
    "complaint-channel": ("oit_channels.complaint_new", N_("File a complaint on this portal")),
    "participation": ("oit_channels.feedback", N_("Give your opinion on this portal")),
}


def oit_channel_link(item_key: str, org: str, fiscal_year: object = None) -> dict[str, str] | None:
    """The portal's own channel page for an OIT item, or None: the channel the
    item of the fiscal year's edition names, else the one its key is known for."""
    from ckanext.oit import frameworks
    from ckanext.oit.compliance import evidence

    item = frameworks.item_as_named(item_key, fiscal_year)
    channel = evidence.CHANNELS.get(item.channel) if item is not None and item.channel else None
    known = channel if channel and channel[0] else PAGE_OF_ITEM.get(item_key)
    if not known:
        return None
    endpoint, label = known
    # label: the page's language; label_th and label_en for templates that pick one themselves
    return {"url": tk.url_for(endpoint, org=org), "label": tk._(label),
            "label_th": Message(label).say("th"), "label_en": Message(label).say("en")}
