"""Subjects and bodies of the workflow e-mails, Thai first and English after it.

Everything here is plain text built from plain dicts, so a message can be
made outside a web request (no ``url_for``) and handed to a background job
ready to send: the job never reads the database, and a retry hours later
still says when the event happened, not when the mail finally went out.

Dates are shown in the Buddhist Era (พ.ศ.); the English part gives the
Christian year with the พ.ศ. one beside it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import ckan.plugins.toolkit as tk

from ckanext.oit.thai_calendar import be_year, format_date

__all__ = [
    "DECISIONS",
    "EVENTS",
    "Message",
    "dataset_url",
    "display_name",
    "site_link",
    "event_time",
    "submitted_message",
    "decision_message",
]

# Decisions a director (or the workflow) takes on a submission.
DECISIONS: tuple[str, ...] = (
    "approved",
    "returned",
    "change_approved",
    "change_returned",
    "withdrawn",
)
# Every event that sends mail: the two kinds of submission and the decisions.
EVENTS: tuple[str, ...] = ("submitted", "change_submitted") + DECISIONS

# Short labels for the subject line: (Thai, English).
_SUBJECT_LABELS: dict[str, tuple[str, str]] = {
    "submitted": ("รออนุมัติ", "Awaiting approval"),
    "change_submitted": ("คำขอแก้ไขรออนุมัติ", "Change awaiting approval"),
    "approved": ("อนุมัติและเผยแพร่แล้ว", "Approved and published"),
    "returned": ("ส่งกลับให้แก้ไข", "Returned for revision"),
    "change_approved": ("อนุมัติการแก้ไขแล้ว", "Change approved"),
    "change_returned": ("ส่งคำขอแก้ไขกลับ", "Change returned"),
    "withdrawn": ("ถอนการเผยแพร่", "Withdrawn from publication"),
}

# What happened, one sentence each. Placeholders: actor, title, org_th /
# org_en (already with their leading words, or empty), date_th, date_en.
_WHAT_HAPPENED: dict[str, tuple[str, str]] = {
    "submitted": (
        '{actor} ส่งชุดข้อมูล "{title}"{org_th} เพื่อขออนุมัติเผยแพร่ เมื่อ{date_th}',
        '{actor} submitted the dataset "{title}"{org_en} for approval on {date_en}.',
    ),
    "change_submitted": (
        '{actor} ส่งคำขอแก้ไขชุดข้อมูล "{title}"{org_th} ซึ่งเผยแพร่อยู่แล้ว '
        "เพื่อขออนุมัติ เมื่อ{date_th} หน้าที่เผยแพร่ยังแสดงฉบับเดิมจนกว่าจะอนุมัติ",
        '{actor} submitted a change to the published dataset "{title}"{org_en} '
        "for approval on {date_en}. The public page shows the current version "
        "until the change is approved.",
    ),
    "approved": (
        '{actor} อนุมัติชุดข้อมูล "{title}"{org_th} เมื่อ{date_th} '
        "ชุดข้อมูลนี้เผยแพร่ต่อสาธารณะแล้ว",
        '{actor} approved the dataset "{title}"{org_en} on {date_en}. '
        "It is now public.",
    ),
    "returned": (
        '{actor} ส่งชุดข้อมูล "{title}"{org_th} กลับให้แก้ไข เมื่อ{date_th} '
        "โปรดแก้ไขตามเหตุผลด้านล่างแล้วส่งขออนุมัติอีกครั้ง",
        '{actor} returned the dataset "{title}"{org_en} for revision on {date_en}. '
        "Please make the changes the reason below asks for and submit it again.",
    ),
    "change_approved": (
        '{actor} อนุมัติการแก้ไขชุดข้อมูล "{title}"{org_th} เมื่อ{date_th} '
        "หน้าที่เผยแพร่แสดงฉบับแก้ไขแล้ว",
        '{actor} approved the change to the dataset "{title}"{org_en} on {date_en}. '
        "The public page now shows the new version.",
    ),
    "change_returned": (
        '{actor} ส่งคำขอแก้ไขชุดข้อมูล "{title}"{org_th} กลับ เมื่อ{date_th} '
        "หน้าที่เผยแพร่ยังแสดงฉบับเดิม",
        '{actor} returned the change to the dataset "{title}"{org_en} on {date_en}. '
        "The public page still shows the current version.",
    ),
    "withdrawn": (
        '{actor} ถอนชุดข้อมูล "{title}"{org_th} ออกจากการเผยแพร่ เมื่อ{date_th}',
        '{actor} withdrew the dataset "{title}"{org_en} from publication on {date_en}.',
    ),
}

# The closing line pointing at the dataset: (Thai, English).
_WHERE: dict[str, tuple[str, str]] = {
    "submitted": ("ตรวจสอบและอนุมัติหรือส่งกลับได้ที่", "Review and approve or return it at"),
    "change_submitted": ("ตรวจสอบคำขอแก้ไขได้ที่", "Review the change at"),
    "returned": ("แก้ไขชุดข้อมูลได้ที่", "Edit the dataset at"),
    "change_returned": ("ดูชุดข้อมูลได้ที่", "See the dataset at"),
}
_WHERE_DEFAULT = ("ดูชุดข้อมูลได้ที่", "See the dataset at")

# Events whose comment is the reason for them (a reason is expected).
_REASON_EVENTS = frozenset({"returned", "change_returned", "withdrawn"})

_FALLBACK_TZ = timezone(timedelta(hours=7), "ICT")


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def display_name(user: Optional[Mapping[str, Any]]) -> str:
    """The name to address or cite a user by: full name, else user name."""
    if not user:
        return ""
    return _one_line(user.get("fullname") or user.get("display_name") or user.get("name") or "")


def dataset_url(package: Mapping[str, Any]) -> str:
    """The dataset's page, built from ``ckan.site_url`` (no request needed)."""
    site_url = (tk.config.get("ckan.site_url") or "").rstrip("/")
    root_path = _root_path()
    dataset_type = package.get("type") or "dataset"
    name = package.get("name") or package.get("id") or ""
    return f"{site_url}{root_path}/{dataset_type}/{name}"


def site_link(path: str) -> str:
    """A page of the portal (``path`` from its root), built like ``dataset_url``."""
    site_url = (tk.config.get("ckan.site_url") or "").rstrip("/")
    return f"{site_url}{_root_path()}/{path.lstrip('/')}"


def event_time(when: Optional[datetime] = None) -> datetime:
    """``when`` (or now) in the portal's display time zone."""
    tz = _display_tz()
    if when is None:
        return datetime.now(tz)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(tz)


def submitted_message(
    package: Mapping[str, Any],
    submitter: Mapping[str, Any],
    recipient: Mapping[str, Any],
    *,
    comment: Optional[str] = None,
    change_request: bool = False,
    when: Optional[datetime] = None,
) -> Message:
    """The mail to a director that a dataset (or a change to it) awaits approval."""
    event = "change_submitted" if change_request else "submitted"
    return _build(event, package, submitter, recipient, comment, when)


def decision_message(
    package: Mapping[str, Any],
    decision: str,
    actor: Mapping[str, Any],
    recipient: Mapping[str, Any],
    comment: Optional[str] = None,
    *,
    when: Optional[datetime] = None,
) -> Message:
    """The mail to a submitter about the decision taken on their submission."""
    if decision not in DECISIONS:
        raise ValueError(
            f"unknown decision {decision!r}; expected one of {', '.join(DECISIONS)}"
        )
    return _build(decision, package, actor, recipient, comment, when)


def _build(
    event: str,
    package: Mapping[str, Any],
    actor: Mapping[str, Any],
    recipient: Mapping[str, Any],
    comment: Optional[str],
    when: Optional[datetime],
) -> Message:
    title = _one_line(package.get("title") or package.get("name") or "")
    org = _one_line(((package.get("organization") or {}).get("title")) or "")
    moment = event_time(when)
    fields = {
        "actor": display_name(actor) or "-",
        "title": title,
        "org_th": f" ของ{org}" if org else "",
        "org_en": f" of {org}" if org else "",
        "date_th": _date_th(moment),
        "date_en": _date_en(moment),
    }
    label_th, label_en = _SUBJECT_LABELS[event]
    subject = f"[OIT] {label_th}: {_shorten(title, 120)} / {label_en}"

    what_th, what_en = (text.format(**fields) for text in _WHAT_HAPPENED[event])
    where_th, where_en = _WHERE.get(event, _WHERE_DEFAULT)
    url = dataset_url(package)
    comment = (comment or "").strip()
    note_th: Optional[tuple[str, str]]
    note_en: Optional[tuple[str, str]]
    if event in _REASON_EVENTS:
        note_th = ("เหตุผล", comment or "(ไม่ได้ระบุเหตุผล)")
        note_en = ("Reason", comment or "(no reason given)")
    elif comment:
        note_th = ("ความเห็น", comment)
        note_en = ("Comment", comment)
    else:
        note_th = note_en = None

    name = display_name(recipient)
    site_title = _one_line(tk.config.get("ckan.site_title") or "")

    lines: list[str] = [f"เรียน {name}" if name else "เรียน ผู้ใช้งาน", "", what_th]
    if note_th:
        lines += ["", f"{note_th[0]}:", _indent(note_th[1])]
    lines += ["", f"{where_th}:", url, "", "-" * 40, ""]
    lines += [f"Dear {name}," if name else "Hello,", "", what_en]
    if note_en:
        lines += ["", f"{note_en[0]}:", _indent(note_en[1])]
    lines += ["", f"{where_en}:", url, "", "-- "]
    lines.append(
        f"ข้อความนี้ส่งโดยอัตโนมัติจาก{(' ' + site_title) if site_title else 'ระบบ'} "
        "โปรดอย่าตอบกลับ"
    )
    lines.append(
        "This message was sent automatically"
        f"{(' by ' + site_title) if site_title else ''}; please do not reply."
    )
    return Message(subject=subject, body="\n".join(lines) + "\n")


def _date_th(moment: datetime) -> str:
    return f"วันที่ {format_date(moment.date(), 'long', 'th')} เวลา {moment:%H:%M} น."


def _date_en(moment: datetime) -> str:
    return (
        f"{format_date(moment.date(), 'long', 'en')} "
        f"(B.E. {be_year(moment.year)}) at {moment:%H:%M}"
    )


def _display_tz():
    name = (tk.config.get("ckan.display_timezone") or "").strip()
    if name and name.lower() != "server":
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    elif name.lower() == "server":
        return datetime.now().astimezone().tzinfo
    try:
        return ZoneInfo("Asia/Bangkok")
    except ZoneInfoNotFoundError:
        return _FALLBACK_TZ


def _root_path() -> str:
    # ckan.root_path may carry a {{LANG}} placeholder; a mail has no language
    # in its URL, so drop it (CKAN serves the default locale there).
    root = (tk.config.get("ckan.root_path") or "").replace("{{LANG}}", "")
    root = re.sub(r"/{2,}", "/", root).rstrip("/")
    return root if not root or root.startswith("/") else f"/{root}"


_SPACE = re.compile(r"\s+")


def _one_line(text: str) -> str:
    """Text fit for a header or a quote: no line breaks, no runs of space."""
    return _SPACE.sub(" ", str(text)).strip()


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _indent(text: str) -> str:
    return "\n".join(f"  {line}".rstrip() for line in text.splitlines())
