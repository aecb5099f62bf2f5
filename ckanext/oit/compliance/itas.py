"""The ITAS answer sheet of an organisation and fiscal year: one row per item
with its answer (has / has not), what the answer rests on, the landing-page URL
and the agency's explanation.

The rule (RULES says it on the page):
- an item with one period of the year is "has" when that disclosure is published;
- a monthly or round item is "has" only when every month (round) already due is
  published, and at least one is; the row counts them ("3/12 months");
- an item that schemas/itas-channels.yaml maps to a channel of this portal is
  also "has" while that channel works for the organisation (evidence.py).
Only what the public can see counts."""
from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import spreadsheet_cells
from ckanext.oit.compliance import evidence, monitor
from ckanext.oit.compliance.model import ItasExplanation
from ckanext.oit.i18n_messages import N_, Message, language

# the columns of the sheet, as the ITAS page names them (msgids; a URL is a URL in every language);
# Evidence last, so that the earlier columns keep their places for those who read them by position
HEADERS = (N_("Item"), N_("Item name"), N_("Has"), "URL", N_("Explanation"), N_("Evidence"))
# has or has not -> the answer
ANSWERS = {True: N_("Available"), False: N_("Not available")}
# how the rows count the periods of an item of several
PERIOD_COUNTS = {"monthly": N_("%(published)s/%(total)s months published, %(due)s due"),
                 "round": N_("%(published)s/%(total)s rounds published, %(due)s due")}
PUBLISHED = N_("Published")
NOTHING = N_("Not published yet")
# the rule, for the page (one msgid per sentence)
RULES = (
    N_("An item is “Available” when its disclosure for the year is published on this portal."),
    N_("A monthly or round item is “Available” only when every month or round already due is published, "
       "and at least one is; the sheet counts them."),
    N_("An item whose evidence is a channel is also “Available” while this portal runs that channel for the "
       "organisation: Q&A and feedback while it has an editor or admin to answer, complaints while it has a "
       "confirmed complaint officer, the e-service when its address is set."),
    N_("Only what the public can see counts: drafts and work awaiting approval do not."),
)


def landing_url(org_name: str, fiscal_year: int, item_key: str) -> str:
    return f"{tk.config.get('ckan.site_url').rstrip('/')}/oit/{org_name}/{fiscal_year}/{item_key}"


def _counted(item: dict[str, Any], as_of: datetime.date) -> dict[str, int]:
    periods = item["periods"]
    return {"published": sum(p["status"] == monitor.PUBLISHED for p in periods), "total": len(periods),
            # due as the monitor counts it: the day after the due date
            "due": sum(as_of > datetime.date.fromisoformat(p["due"]) for p in periods),
            "due_published": sum(p["status"] == monitor.PUBLISHED and as_of > datetime.date.fromisoformat(p["due"])
                                 for p in periods)}


def answer(counted: dict[str, int], channel: dict[str, str] | None) -> bool:
    if channel is not None:
        return True
    if counted["total"] > 1:
        return counted["published"] > 0 and counted["due_published"] == counted["due"]
    return counted["published"] > 0


def rows(org: model.Group, fiscal_year: int, as_of: datetime.date) -> list[dict[str, Any]]:
    # The public's view: only what is published answers "has".
    shown = monitor.show({"user": "", "ignore_auth": False}, {"id": org.id, "name": org.name}, fiscal_year, as_of)
    texts = {e.item_key: e.text for e in model.Session.query(ItasExplanation)
             .filter_by(owner_org=org.id, fiscal_year=fiscal_year)}
    working = evidence.working(org)
    result = []
    for item in shown["items"]:
        counted = _counted(item, as_of)
        name = evidence.channel_of(shown["edition"], item["key"])
        channel = {"name": name, "url": working[name]} if name in working else None
        has = answer(counted, channel)
        result.append({"code": item["code"], "key": item["key"], "name": item["name"]["th"],
                       "name_en": item["name"]["en"], "cadence": item["cadence"], "has": has,
                       # in Thai, as ITAS takes it
                       "answer": Message(ANSWERS[has]).say("th"),
                       "periods": {k: counted[k] for k in ("published", "due", "total")},
                       "channel": channel,
                       "url": landing_url(org.name, fiscal_year, item["key"]),
                       "explanation": texts.get(item["key"], "")})
    return result


def counted_text(row: dict[str, Any], lang: str | None = None) -> str | None:
    """The periods counted (an item of several) or "published" (an item of one), or None."""
    counts = row["periods"]
    # the msgid in a name of its own: Babel would take a literal inside Message(...) for one
    counting = PERIOD_COUNTS.get(row["cadence"])
    if counts["total"] > 1 and counting:
        return Message(counting, **counts).say(lang)
    return Message(PUBLISHED).say(lang) if counts["published"] else None


def channel_text(row: dict[str, Any], lang: str | None = None) -> str | None:
    if not row["channel"]:
        return None
    msgid = evidence.label(row["channel"]["name"])
    return Message(msgid).say(lang)


def evidence_text(row: dict[str, Any], lang: str | None = None) -> str:
    """What the answer rests on, in words: the periods counted or published, and the working channel."""
    lang = language(lang)
    said = [counted_text(row, lang)]
    if row["channel"]:
        said.append(f"{channel_text(row, lang)}: {row['channel']['url']}")
    return "; ".join(s for s in said if s) or Message(NOTHING).say(lang)


def answer_text(row: dict[str, Any], lang: str | None = None) -> str:
    msgid = ANSWERS[row["has"]]
    return Message(msgid).say(lang)


def as_table(sheet: list[dict[str, Any]], lang: str = "th", notice: Message | None = None) -> list[list[Any]]:
    """The header, a row per item, and (a provisional year) the notice in a last row."""
    lang = language(lang)
    return [[Message(header).say(lang) for header in HEADERS]] + [
        [r["code"], r["name"] if lang == "th" else r["name_en"], answer_text(r, lang), r["url"],
         r["explanation"], evidence_text(r, lang)]
        for r in sheet] + ([[notice.say(lang)]] if notice else [])


def as_csv(sheet: list[dict[str, Any]], lang: str = "th", notice: Message | None = None) -> bytes:
    # explanations are typed by people: spreadsheet_cells keeps them from running as formulas
    return spreadsheet_cells.csv_bytes(as_table(sheet, lang, notice))


def as_xlsx(sheet: list[dict[str, Any]], lang: str = "th", notice: Message | None = None) -> bytes:
    return spreadsheet_cells.xlsx_bytes(as_table(sheet, lang, notice), "ITAS")
