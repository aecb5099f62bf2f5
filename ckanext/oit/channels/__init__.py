"""Two-way channels: Q&A (O8), corruption complaints (O30) and their statistics (O31), feedback (O32)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

# The items whose evidence is a working channel that this portal itself provides,
# so the OIT page and the item's landing page can point at it.
PAGE_OF_ITEM = {
    "qa-channel": ("oit_channels.questions", "ถาม-ตอบ (Q&A) บนพอร์ทัลนี้", "Q&A on this portal"),
    "complaint-channel": ("oit_channels.complaint_new", "แจ้งเรื่องร้องเรียนบนพอร์ทัลนี้", "File a complaint on this portal"),
    "participation": ("oit_channels.feedback", "แสดงความคิดเห็นบนพอร์ทัลนี้", "Give your opinion on this portal"),
}


def oit_channel_link(item_key: str, org: str) -> dict[str, str] | None:
    """The portal's own channel page for an OIT item, or None."""
    known = PAGE_OF_ITEM.get(item_key)
    if not known:
        return None
    endpoint, label_th, label_en = known
    return {"url": tk.url_for(endpoint, org=org), "label_th": label_th, "label_en": label_en}
