"""The ITAS answer sheet of an organisation and fiscal year: one row per item
with its answer (has / has not), the landing-page URL and the agency's explanation."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import spreadsheet_cells
from ckanext.oit.compliance import monitor
from ckanext.oit.compliance.model import ItasExplanation
from ckanext.oit.i18n_messages import N_, Message, language

# the columns of the sheet, as the ITAS page names them (msgids; a URL is a URL in every language)
HEADERS = (N_("Item"), N_("Item name"), N_("Has"), "URL", N_("Explanation"))
# published or not -> the answer
ANSWERS = {True: N_("Available"), False: N_("Not available")}


def landing_url(org_name: str, fiscal_year: int, item_key: str) -> str:
    return f"{tk.config.get('ckan.site_url').rstrip('/')}/oit/{org_name}/{fiscal_year}/{item_key}"


def rows(org: model.Group, fiscal_year: int, as_of) -> list[dict[str, Any]]:
    # The public's view: only what is published answers "has".
    shown = monitor.show({"user": "", "ignore_auth": False}, {"id": org.id, "name": org.name}, fiscal_year, as_of)
    texts = {e.item_key: e.text for e in model.Session.query(ItasExplanation)
             .filter_by(owner_org=org.id, fiscal_year=fiscal_year)}
    result = []
    for item in shown["items"]:
        has = any(p["status"] == monitor.PUBLISHED for p in item["periods"])
        result.append({"code": item["code"], "key": item["key"], "name": item["name"]["th"],
                       "name_en": item["name"]["en"], "has": has,
                       # in Thai, as ITAS takes it
                       "answer": Message(ANSWERS[has]).say("th"),
                       "url": landing_url(org.name, fiscal_year, item["key"]),
                       "explanation": texts.get(item["key"], "")})
    return result


def as_table(sheet: list[dict[str, Any]], lang: str = "th") -> list[list[Any]]:
    lang = language(lang)

    def answer(row: dict[str, Any]) -> str:
        msgid = ANSWERS[row["has"]]
        return Message(msgid).say(lang)

    return [[Message(header).say(lang) for header in HEADERS]] + [
        [r["code"], r["name"] if lang == "th" else r["name_en"], answer(r), r["url"], r["explanation"]]
        for r in sheet]


def as_csv(sheet: list[dict[str, Any]], lang: str = "th") -> bytes:
    # explanations are typed by people: spreadsheet_cells keeps them from running as formulas
    return spreadsheet_cells.csv_bytes(as_table(sheet, lang))


def as_xlsx(sheet: list[dict[str, Any]], lang: str = "th") -> bytes:
    return spreadsheet_cells.xlsx_bytes(as_table(sheet, lang), "ITAS")
