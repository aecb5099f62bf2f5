"""Defences of the public forms: a fixed-window rate limit per client address
and channel (in Redis), a honeypot field, text with HTML stripped and
script refused, and attachments checked by size, extension and content.
The forms' fields are checked by the navl schemas of channels/logic/schema.py,
which use these; every error names the field, Thai then English."""
from __future__ import annotations

import hashlib
import html
import io
import os
import re
import time
import zipfile
from dataclasses import dataclass
from typing import Any

import bleach

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

from ckanext.oit.i18n_messages import Message

HONEYPOT = "website"  # hidden in the forms; people leave it empty, bots fill it
EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
# Script-bearing input is refused outright rather than silently stripped, so the
# sender knows; other markup is stripped to its text.
SCRIPT_RE = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|style|svg|math|form|meta|link|base|frame|applet)\b"
    r"|(java|vb)script\s*:|data\s*:\s*text/html|<[^>]*\bon[a-z]+\s*=",
    re.IGNORECASE)
MAX_TEXT = 5000


class Throttled(tk.ValidationError):
    """Too many submissions from one address in the current window (HTTP 429 on pages)."""


def setting(name: str) -> Any:
    return tk.config.get(f"ckanext.oit.channels.{name}")


# --- rate limit ---------------------------------------------------------------

def client_address(context: dict[str, Any]) -> str:
    """The address CKAN sees for the request (behind a proxy, configure the
    proxy fix there; a client's own X-Forwarded-For is not trusted here)."""
    if context.get("oit_client_address"):
        return str(context["oit_client_address"])
    try:
        return tk.request.remote_addr or "unknown"
    except RuntimeError:  # called outside a web request (CLI, jobs, tests)
        return "local"


def _key_prefix() -> str:
    return f"oit:{tk.config.get('ckan.site_id')}:channels:rate:"


def check_rate(context: dict[str, Any], channel: str, limit: int | None = None) -> None:
    """Count this attempt; refuse it when the address is over the limit.
    The address is kept only as a hash, and only for one window."""
    limit = int(limit if limit is not None else setting("rate_limit"))
    window = max(1, int(setting("rate_window")))
    digest = hashlib.sha256(client_address(context).encode()).hexdigest()[:32]
    key = f"{_key_prefix()}{channel}:{digest}:{int(time.time() // window)}"
    redis = connect_to_redis()
    pipe = redis.pipeline()
    pipe.incr(key)
    pipe.expire(key, window)
    count = pipe.execute()[0]
    if count > limit:
        minutes = max(1, window // 60)
        raise Throttled({"rate_limit": [Message(
            "Too many submissions from this address; try again in about %(minutes)s minutes",
            minutes=minutes).both()]})


def reset_rate_limits() -> int:
    """Forget every counter of this site (tests, or an administrator after an incident)."""
    redis = connect_to_redis()
    keys = list(redis.scan_iter(match=_key_prefix() + "*"))
    if keys:
        redis.delete(*keys)
    return len(keys)


# --- text ---------------------------------------------------------------------

def has_script(raw: str) -> bool:
    """Script or code, as written or behind HTML entities."""
    return bool(SCRIPT_RE.search(raw) or SCRIPT_RE.search(html.unescape(raw)))


def plain_text(raw: str) -> str:
    """The text of ``raw``: markup stripped, entities read, unprintable characters dropped."""
    text = html.unescape(bleach.clean(raw, tags=set(), attributes={}, strip=True, strip_comments=True)).strip()
    return "".join(c for c in text if c in "\n\t" or c.isprintable())


# --- attachments -------------------------------------------------------------

@dataclass
class Attachment:
    filename: str
    extension: str
    mimetype: str
    data: bytes


MIMETYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _zip_has(data: bytes, name: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return name in archive.namelist() and "[Content_Types].xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _content_is(extension: str, data: bytes) -> bool:
    """The file's first bytes must be what its extension claims."""
    if extension == "pdf":
        return data.startswith(b"%PDF-")
    if extension in ("jpg", "jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if extension == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if extension == "docx":
        return data.startswith(b"PK\x03\x04") and _zip_has(data, "word/document.xml")
    if extension == "xlsx":
        return data.startswith(b"PK\x03\x04") and _zip_has(data, "xl/workbook.xml")
    return False


def size_text(size: int) -> str:
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{max(1, size // 1024)} KB"


def allowed_types() -> list[str]:
    return [t.strip(". ").lower() for t in str(setting("attachment_types") or "").split() if t.strip(". ")]


def _display_name(name: str) -> str:
    name = os.path.basename(str(name or "").replace("\\", "/"))
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"/\\|?*')
    return name[-120:] or "attachment"


def uploads(value: Any) -> list[Any]:
    """The uploaded files of a field: one file storage or a list of them; empty parts dropped."""
    items = value if isinstance(value, (list, tuple)) else [value]
    return [i for i in items if i is not None and getattr(i, "filename", None)]


def attachments(value: Any) -> tuple[list[Attachment], list[Message]]:
    """Read and check every uploaded file of a field: the files that pass, and
    what is wrong with the others (nothing is stored here)."""
    files = uploads(value)
    max_size = int(setting("attachment_max_size"))
    max_count = int(setting("attachment_max_count"))
    types = allowed_types()
    if len(files) > max_count:
        return [], [Message("At most %(count)s files may be attached", count=max_count)]
    checked, problems = [], []
    for upload in files:
        name = _display_name(upload.filename)
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        stream = getattr(upload, "stream", upload)
        data = stream.read(max_size + 1)
        if len(data) > max_size:
            problems.append(Message("The file %(name)s is larger than %(size)s", name=name, size=size_text(max_size)))
        elif extension not in types:
            problems.append(Message("The file %(name)s is of a type not accepted (accepted: %(types)s)",
                                    name=name, types=", ".join(types)))
        elif not data:
            problems.append(Message("The file %(name)s is empty", name=name))
        elif not _content_is(extension, data):
            problems.append(Message("The content of %(name)s is not %(type)s as its name says",
                                    name=name, type=extension.upper()))
        else:
            checked.append(Attachment(name, extension, MIMETYPES[extension], data))
    return checked, problems
