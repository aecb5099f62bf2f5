"""Template helpers of ckanext-oit; registry.py registers these and those of the other HELPER_MODULES."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.oit import disclosure, frameworks, thai_calendar
from ckanext.oit.compliance import e_service
from ckanext.oit.i18n_messages import in_page_language, language
from ckanext.oit.i18n_dates import as_display_time


def _lang() -> str:
    return language()


def oit_lang_text(th: str, en: str) -> str:
    """Data written in both languages (a schema's label, an item's name), by the page's language."""
    return en if language() == "en" else th


def oit_in_page_language(errors: Any, names: dict[str, str] | None = None) -> Any:
    """Errors of ours said in both languages (a form's ``errors`` or ``error_summary``, a
    field's list) in the page's language only; ``names`` renames summary keys."""
    if isinstance(errors, dict):
        return {(names or {}).get(k, k): oit_in_page_language(v) for k, v in errors.items()}
    if isinstance(errors, list):
        return [in_page_language(v) for v in errors]
    return in_page_language(errors)


def oit_e_service_address(extras: Any) -> str | None:
    """The organisation's e-service address among its extras, if it is a web address."""
    for extra in extras or []:
        if isinstance(extra, dict) and extra.get("key") == e_service.FIELD:
            return e_service.address(extra.get("value"))
    return None


def oit_item_choices(dataset_type: str) -> list[dict[str, str]]:
    """Options of the item select: every item key of the type, with its codes per edition."""
    choices = []
    for item in frameworks.items_of_type(dataset_type):
        codes = ", ".join(
            f"{e.edition}: {found.code}" for e in frameworks.editions()
            if (found := e.item_by_key(item.key)) is not None)
        choices.append({"value": item.key, "text": f"{oit_lang_text(item.name_th, item.name_en)} ({codes})"})
    return choices


def oit_item_label(key: str, fiscal_year: Any = None) -> str:
    item = frameworks.item_as_named(key, fiscal_year)
    if item is None:
        return key
    return f"{item.code} {oit_lang_text(item.name_th, item.name_en)}"


def oit_fiscal_year_label(fiscal_year: Any) -> str:
    try:
        return thai_calendar.format_fiscal_year(int(fiscal_year), _lang())
    except (TypeError, ValueError):
        return str(fiscal_year or "")


def oit_period_label(period: str, fiscal_year: Any) -> str:
    try:
        return disclosure.period_label(period, int(fiscal_year), _lang())
    except (TypeError, ValueError):
        return str(period or "")


def oit_format_date(value: Any, style: str = "long") -> str:
    """An ISO date or datetime as people read it: Buddhist Era years and Thai month names in Thai."""
    if not value:
        return ""
    try:
        parsed = value if isinstance(value, (date, datetime)) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    # a moment is stored in UTC: its day is the one in the display time zone (Bangkok)
    day = as_display_time(parsed).date() if isinstance(parsed, datetime) else parsed
    return thai_calendar.format_date(day, style, _lang())


def oit_format_amount(value: Any) -> str:
    try:
        return f"{float(value):,.2f}"
    except (TypeError, ValueError):
        return str(value or "")


def oit_dataset_type_label(dataset_type: str) -> str:
    schema = tk.h.scheming_get_dataset_schema(dataset_type) if dataset_type else None
    label = (schema or {}).get("oit_label")
    if not label:
        return dataset_type
    return oit_lang_text(label["th"], label["en"])


def oit_edition_notice(fiscal_year: Any) -> str | None:
    """Said on every page of a fiscal year whose item list is only provisional."""
    try:
        notice = frameworks.resolve(int(fiscal_year)).notice
    except (TypeError, ValueError):
        return None
    return notice.say(_lang()) if notice else None


def oit_edition_change_label(change: str) -> str:
    from ckanext.oit.frameworks.diff import CHANGE_LABELS
    return tk._(CHANGE_LABELS[change]) if change in CHANGE_LABELS else change


def oit_unconfirmed_fiscal_year() -> int | None:
    """The current fiscal year when no edition is confirmed for it (the admin pages remind)."""
    year = thai_calendar.fiscal_year_of(thai_calendar.today())
    return year if frameworks.resolve(year).provisional else None
