"""Validators of the OIT dataset fields (named in schemas/presets.yaml and
schemas/datasets/*.yaml). Messages are Thai, then English, from the catalogue."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.navl.dictization_functions import StopOnError, missing
from ckanext.scheming.validation import scheming_validator

from ckanext.oit import disclosure, frameworks, thai_calendar
from ckanext.oit.disclosure import DisclosureError
from ckanext.oit.i18n_messages import both

WORKFLOW_DEFAULTS = {"oit_status": "draft"}


def _empty(value: Any) -> bool:
    return value is missing or value is None or (isinstance(value, str) and not value.strip())


def _fail(key: tuple, errors: dict, message: str) -> None:
    errors[key].append(message)
    raise StopOnError


def _kept(data: dict, key: str, fiscal_year: int) -> bool:
    """Does the dataset (read from the database) already carry this key and fiscal year?"""
    package = model.Package.get(str(data.get(("id",)) or "")) if data.get(("id",)) not in (None, missing) else None
    if package is None:
        return False
    extras = package.extras or {}
    return extras.get("item_key") == key and str(extras.get("fiscal_year")) == str(fiscal_year)


def _resolve(data: dict, key: str, fiscal_year: int):
    return disclosure.resolve_item(key, str(data.get(("type",)) or ""), fiscal_year,
                                   kept=_kept(data, key, fiscal_year))


def _disclosure_parts(data: dict):
    """(item, fiscal year) of the data being validated, or None if either is invalid."""
    try:
        fiscal_year = disclosure.parse_fiscal_year(data.get(("fiscal_year",)))
        item = _resolve(data, str(data.get(("item_key",)) or ""), fiscal_year)
    except (DisclosureError, frameworks.FrameworkError):
        return None
    return item, fiscal_year


def oit_fiscal_year(key, data, errors, context):
    try:
        data[key] = str(disclosure.parse_fiscal_year(data.get(key)))
    except DisclosureError as error:
        _fail(key, errors, str(error))


def oit_item_key(key, data, errors, context):
    try:
        fiscal_year = disclosure.parse_fiscal_year(data.get(("fiscal_year",)))
    except DisclosureError:
        return  # the fiscal year carries the error
    try:
        _resolve(data, str(data.get(key)), fiscal_year)
    except DisclosureError as error:
        _fail(key, errors, str(error))


def oit_period(key, data, errors, context):
    parts = _disclosure_parts(data)
    if parts is None:
        return  # item or fiscal year carries the error
    item, fiscal_year = parts
    value = None if _empty(data.get(key)) else data.get(key)
    try:
        data[key] = disclosure.normalise_period(value, item, fiscal_year)
    except DisclosureError as error:
        _fail(key, errors, str(error))


def oit_thai_date(value):
    """Dates as Thai offices write them (15/10/2568, or with a Thai month name), stored as ISO (CE)."""
    try:
        return thai_calendar.parse_date(str(value)).isoformat()
    except thai_calendar.ThaiDateError as error:
        raise tk.Invalid(str(error))


# the currency as people write it beside an amount: the word baht in Thai script, the baht sign, THB
_BAHT = ("\u0e1a\u0e32\u0e17", "\u0e3f", "THB")
_AMOUNT_NOISE = re.compile(r"[,\s]|" + "|".join(map(re.escape, _BAHT)), re.IGNORECASE)


def oit_amount(value):
    """A non-negative amount in baht: Thai digits, separators and the word baht accepted."""
    text = _AMOUNT_NOISE.sub("", thai_calendar.normalise_digits(str(value)))
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise tk.Invalid(both("'%(value)s' is not an amount of money", value=value))
    if not amount.is_finite() or amount < 0:
        raise tk.Invalid(both("The amount must not be negative (got %(value)s)", value=value))
    return str(amount.quantize(Decimal("0.01")))


def oit_positive_integer(value):
    """A whole number ≥ 0, Thai digits and separators accepted."""
    text = re.sub(r"[,\s]", "", thai_calendar.normalise_digits(str(value)))
    if not text.isdigit():
        raise tk.Invalid(both("'%(value)s' is not a whole number ≥ 0", value=value))
    return str(int(text))


def oit_egp_project_number(value):
    text = re.sub(r"[\s\-]", "", thai_calendar.normalise_digits(str(value)))
    if not (text.isdigit() and len(text) == 11):
        raise tk.Invalid(both("The e-GP project number has 11 digits (got %(value)s)", value=value))
    return text


@scheming_validator
def oit_default(field, schema):
    """Fill an empty field with the schema's ``default``."""
    default = field.get("default")

    def validator(key, data, errors, context):
        if _empty(data.get(key)) or data.get(key) == []:
            data[key] = list(default) if isinstance(default, list) else default
    return validator


@scheming_validator
def oit_update_frequency_from_item(field, schema):
    """An empty unit follows the item's cadence: the field's choice named Month or Year in English."""
    by_english = {choice["label"]["en"]: choice["value"] for choice in field.get("choices") or []
                  if isinstance(choice.get("label"), dict)}

    def validator(key, data, errors, context):
        if not _empty(data.get(key)):
            return
        parts = _disclosure_parts(data)
        if parts:
            data[key] = by_english["Month" if parts[0].cadence == "monthly" else "Year"]
    return validator


def oit_data_source_from_organization(key, data, errors, context):
    if not _empty(data.get(key)):
        return
    org = model.Group.get(str(data.get(("owner_org",)) or ""))
    if org is not None:
        data[key] = org.title or org.name
    else:
        data.pop(key, None)
        raise StopOnError


def oit_workflow_managed(key, data, errors, context):
    """Workflow fields are written by the workflow only: whatever a form or an
    API call sends is replaced by the stored value."""
    if context.get("oit_workflow") and not _empty(data.get(key)):
        return
    field = key[-1]
    package = context.get("package")
    stored = package.extras.get(field) if package is not None else None
    if stored is None:
        stored = WORKFLOW_DEFAULTS.get(field)
    if field == "oit_status" and stored == "returned":
        stored = "draft"  # editing a returned dataset reopens it as a draft
    if stored is None:
        data.pop(key, None)
        raise StopOnError
    data[key] = stored


def oit_private_follows_status(key, data, errors, context):
    """Visibility follows the workflow state only: private unless published."""
    status = data.get(("oit_status",)) if context.get("oit_workflow") else None
    if _empty(status):
        package = context.get("package")
        status = package.extras.get("oit_status") if package is not None else None
    data[key] = (status or "draft") != "published"


def oit_channel_url_for_channel_items(key, data, errors, context):
    parts = _disclosure_parts(data)
    if parts and parts[0].evidence == "channel" and _empty(data.get(key)):
        item = parts[0]
        _fail(key, errors, both(
            "Item %(code)s (%(name)s) is a channel: give the link to the working channel",
            code=item.code, name=lambda lang: item.name_th if lang == "th" else item.name_en))


def oit_fill_name_and_title(key, data, errors, context):
    """Before the fields are validated: make an empty name and title from
    organisation, fiscal year, item and period."""
    if not _empty(data.get(("name",))) and not _empty(data.get(("title",))):
        return
    if _empty(data.get(("name",))):
        context["oit_name_from_parts"] = True
    parts = _disclosure_parts(data)
    if parts is None:
        return
    item, fiscal_year = parts
    try:
        period = disclosure.normalise_period(
            None if _empty(data.get(("period",))) else data.get(("period",)), item, fiscal_year)
    except DisclosureError:
        return
    if _empty(data.get(("title",))):
        data[("title",)] = disclosure.make_title(item, fiscal_year, period)
    if _empty(data.get(("name",))):
        org = model.Group.get(str(data.get(("owner_org",)) or ""))
        if org is not None:
            data[("name",)] = disclosure.make_name(org.name, item, fiscal_year, period)


def oit_unique_disclosure(key, data, errors, context):
    """After the fields: no second dataset for the same organisation × fiscal
    year × item × period."""
    parts_ok = not any(errors.get((f,)) for f in ("owner_org", "item_key", "fiscal_year", "period"))
    same = _same_disclosure(data, context) if parts_ok else None
    if context.pop("oit_name_from_parts", False) and (not parts_ok or same is not None):
        # The name was to be made from the parts: its error only repeats
        # theirs, or the clash named below.
        errors[("name",)] = []
    if same is not None:
        errors[("item_key",)].append(both(
            "This organisation already has a dataset for this item, fiscal year and period: %(name)s",
            name=same.name))


def _same_disclosure(data, context):
    package = context.get("package")
    exclude = package.id if package is not None else data.get(("id",))
    return disclosure.find_same(
        str(data.get(("owner_org",))), str(data.get(("item_key",))),
        int(data.get(("fiscal_year",))), str(data.get(("period",))),
        exclude_id=None if _empty(exclude) else str(exclude),
    )


def tag_name_validator(value: Any, context: Any) -> Any:
    """CKAN's tag rule (letters, digits, space, - _ .), plus the combining marks
    Thai is written with: CKAN's ``\\w`` leaves out the vowel and tone marks
    (Unicode category M), so it refuses most Thai words ("procurement" among them)."""
    for char in value:
        if not (char.isalnum() or char in " -_." or unicodedata.category(char).startswith("M")):
            raise tk.Invalid(both(
                'Tag "%(tag)s" can only contain letters, digits, spaces, hyphens, underscores or dots',
                tag=value))
    return value


def oit_tag_string_convert(key: tuple, data: dict, errors: dict, context: Any) -> Any:
    """CKAN's ``tag_string_convert``, whose check of each tag is CKAN's own rule
    (called directly, so not replaced by ours above): when it refuses a tag, the
    tags, already split into ``data``, are judged again by ours."""
    try:
        return tk.get_validator("tag_string_convert")(key, data, errors, context)
    except tk.Invalid:
        tags = [value for k, value in data.items() if len(k) == 3 and k[0] == "tags" and k[2] == "name"]
        for tag in tags:
            tk.get_validator("tag_length_validator")(tag, context)
            tag_name_validator(tag, context)
