"""Thai calendar helpers: Buddhist Era years, fiscal years, monitoring rounds,
reading the dates Thai offices write and formatting dates for people.

Dates are kept as ``datetime.date`` (Gregorian, CE); BE is for reading and
display only. The fiscal year runs 1 October – 30 September and is named after
the BE year in which it ends (FY 2569 = 1 Oct 2025 – 30 Sep 2026).
"""
from __future__ import annotations

import calendar
import os
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import yaml

from ckanext.oit.i18n_messages import N_, Message, UserError


BE_OFFSET = 543
# Deadlines fall on Thai days whatever the server's clock says; Thailand keeps no summer time.
BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")


def _load_calendar() -> dict:
    with open(os.path.join(os.path.dirname(__file__), "thai_calendar.yaml"), encoding="utf-8") as data:
        return yaml.safe_load(data)


# Month names, digits and the words people type around dates: data, kept in
# thai_calendar.yaml (read once), not UI wording.
_CALENDAR = _load_calendar()
MONTHS_TH: tuple[str, ...] = tuple(_CALENDAR["months"]["th"])
MONTHS_TH_ABBR: tuple[str, ...] = tuple(_CALENDAR["months"]["th_abbr"])
MONTHS_EN: tuple[str, ...] = tuple(_CALENDAR["months"]["en"])
MONTHS_EN_ABBR: tuple[str, ...] = tuple(_CALENDAR["months"]["en_abbr"])
_MONTHS_TH_COLLOQUIAL: tuple[str, ...] = tuple(_CALENDAR["months"]["th_colloquial"])
ERA: dict[str, str] = dict(_CALENDAR["era"])  # "be" and "ce" as written
ROUND_WORDS: tuple[str, ...] = tuple(_CALENDAR["round_words"])
_MONTH_WORD: dict[str, str] = dict(_CALENDAR["month_word"])
_EXAMPLES: dict[str, str] = dict(_CALENDAR["examples"])

# Unmarked four-digit years from here up are BE; 1900–2399 are CE. The ranges
# cannot overlap for any date this catalogue will hold.
_FIRST_BE_YEAR = 2400
_FIRST_CE_YEAR = 1900

_THAI_DIGITS = _CALENDAR["digits"]
_TO_ARABIC = str.maketrans(_THAI_DIGITS, "0123456789")
_TO_THAI = str.maketrans("0123456789", _THAI_DIGITS)


class ThaiDateError(UserError):
    """A date, month or year that cannot be read; `.th` and `.en` say it in either language."""


def normalise_digits(text: str) -> str:
    return text.translate(_TO_ARABIC)


def to_thai_digits(text: str) -> str:
    return text.translate(_TO_THAI)


def be_year(ce_year: int) -> int:
    return ce_year + BE_OFFSET


def ce_year(be_year: int) -> int:
    return be_year - BE_OFFSET


# --- fiscal years -----------------------------------------------------------


def _check_fiscal_year(fiscal_year: int) -> None:
    # Passing a CE year (2026 for 2569) is the likeliest mistake and would
    # otherwise give dates in the 15th century without complaint.
    if isinstance(fiscal_year, bool) or not isinstance(fiscal_year, int):
        raise TypeError(f"fiscal_year must be an int, not {type(fiscal_year).__name__}")
    if _FIRST_CE_YEAR <= fiscal_year < _FIRST_BE_YEAR:
        raise ThaiDateError(Message(
            "Fiscal year %(year)s looks like a CE (%(ce)s) year; "
            "fiscal years are Buddhist Era years (%(be_year)s)",
            year=fiscal_year, ce=ERA["ce"], be=ERA["be"], be_year=be_year(fiscal_year)))
    if fiscal_year < _FIRST_BE_YEAR:
        raise ThaiDateError(Message("Fiscal year %(year)s is not a Buddhist Era year", year=fiscal_year))


def _check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise ThaiDateError(Message("There is no month %(month)s", month=month))


def today(now: datetime | None = None) -> date:
    """The day it is in Thailand (at 01:00 on 1 October there it is still 30 September in UTC)."""
    return (now or datetime.now(timezone.utc)).astimezone(BANGKOK).date()


def fiscal_year_of(d: date) -> int:
    return be_year(d.year + 1 if d.month >= 10 else d.year)


def fiscal_year_start(fiscal_year: int) -> date:
    _check_fiscal_year(fiscal_year)
    return date(ce_year(fiscal_year) - 1, 10, 1)


def fiscal_year_end(fiscal_year: int) -> date:
    _check_fiscal_year(fiscal_year)
    return date(ce_year(fiscal_year), 9, 30)


def fiscal_year_months(fiscal_year: int) -> list[tuple[int, int]]:
    _check_fiscal_year(fiscal_year)
    end = ce_year(fiscal_year)
    return [(end - 1, m) for m in range(10, 13)] + [(end, m) for m in range(1, 10)]


def month_in_fiscal_year(ce_year: int, month: int, fiscal_year: int) -> bool:
    _check_fiscal_year(fiscal_year)
    _check_month(month)
    return fiscal_year_of(date(ce_year, month, 1)) == fiscal_year


# --- monitoring rounds ------------------------------------------------------


@dataclass(frozen=True)
class MonitoringRound:
    fiscal_year: int
    number: int
    start: date
    end: date  # inclusive: the last day of the round's last month


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def monitoring_rounds(fiscal_year: int, round_months: int) -> list[MonitoringRound]:
    """Rounds of ``round_months`` months counted from 1 October; a part round
    left at the end of the year is not a round (5 months gives Oct–Feb and Mar–Jul)."""
    _check_fiscal_year(fiscal_year)
    if isinstance(round_months, bool) or not isinstance(round_months, int):
        raise TypeError(f"round_months must be an int, not {type(round_months).__name__}")
    if not 1 <= round_months <= 12:
        raise ValueError(f"round_months must be 1 to 12, not {round_months}")
    months = fiscal_year_months(fiscal_year)
    rounds = []
    for i in range(12 // round_months):
        first = months[i * round_months]
        last = months[(i + 1) * round_months - 1]
        rounds.append(
            MonitoringRound(fiscal_year, i + 1, date(first[0], first[1], 1), _last_day(*last))
        )
    return rounds


def monitoring_round(fiscal_year: int, number: int, round_months: int) -> MonitoringRound:
    rounds = monitoring_rounds(fiscal_year, round_months)
    if not 1 <= number <= len(rounds):
        raise ThaiDateError(Message(
            "Fiscal year %(year)s has %(rounds)s round(s) of %(months)s month(s); there is no round %(number)s",
            year=fiscal_year, rounds=len(rounds), months=round_months, number=number))
    return rounds[number - 1]


# --- parsing ----------------------------------------------------------------

def _any(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_ERA = rf"(?:(?P<be>{_CALENDAR['era_patterns']['be']})|(?P<ce>{_CALENDAR['era_patterns']['ce']}))"
_YEAR = r"(?P<year>\d{4}|\d{2})"

_YEAR_RE = re.compile(rf"^(?:(?:{_any(_CALENDAR['year_words'])})\s*)?{_ERA}?\s*{_YEAR}$", re.I)
_MONTH_NUMERIC_RE = re.compile(rf"^(?P<month>\d{{1,2}})\s*[/.-]\s*{_YEAR}$")
_MONTH_ISO_RE = re.compile(r"^(?P<year>\d{4})\s*[/.-]\s*(?P<month>\d{1,2})$")
# The name is the shortest run of non-digits that leaves an optional era and a year.
_MONTH_NAMED_RE = re.compile(rf"^(?P<name>[^\d]+?)\s*{_ERA}?\s*{_YEAR}$", re.I)
_DATE_NUMERIC_RE = re.compile(
    rf"^(?P<day>\d{{1,2}})\s*(?P<sep>[/.-])\s*(?P<month>\d{{1,2}})\s*(?P=sep)\s*{_YEAR}$"
)
_DATE_ISO_RE = re.compile(
    r"^(?P<year>\d{4})\s*(?P<sep>[/.-])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*(?P<day>\d{1,2})$"
)
_DAY_WORDS = "".join(rf"(?:{re.escape(w)}\s*)?" for w in _CALENDAR["day_words"])
_DATE_NAMED_RE = re.compile(
    rf"^{_DAY_WORDS}(?P<day>\d{{1,2}})\s*(?P<name>[^\d]+?)\s*{_ERA}?\s*{_YEAR}$",
    re.I,
)


def _name_key(name: str) -> str:
    key = re.sub(r"[\s.]", "", name).lower()
    return key.removeprefix(_MONTH_WORD["th"])


_MONTH_NAMES: dict[str, int] = {}
for _names in (MONTHS_TH, MONTHS_TH_ABBR, _MONTHS_TH_COLLOQUIAL, MONTHS_EN, MONTHS_EN_ABBR):
    for _number, _name in enumerate(_names, start=1):
        _MONTH_NAMES[_name_key(_name)] = _number
_MONTH_NAMES.update(_CALENDAR["months"]["also"])
del _names, _number, _name


def _clean(text: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"expected a str, not {type(text).__name__}")
    # Text pasted from PDFs and Word brings zero-width and no-break spaces.
    text = text.replace("\u200b", "").replace("\ufeff", "")
    return " ".join(normalise_digits(text).split())


_UNREADABLE = {
    "year": N_("Cannot read a Buddhist Era year from '%(text)s' (forms that work: %(examples)s)"),
    "month": N_("Cannot read a month from '%(text)s' (forms that work: %(examples)s)"),
    "date": N_("Cannot read a date from '%(text)s' (forms that work: %(examples)s)"),
}


def _unreadable(what: str, text: str) -> ThaiDateError:
    return ThaiDateError(_UNREADABLE[what], text=text, examples=_EXAMPLES[what])


def _ce_year_from(digits: str, era: str | None, text: str) -> int:
    """The CE year meant by a written year: two digits are BE 25xx, four digits
    are BE from 2400 and CE from 1900 to 2399, unless an era says otherwise."""
    n = int(digits)
    if len(digits) == 2:
        if era == "ce":
            raise ThaiDateError(Message("The CE year in '%(text)s' must have four digits", text=text))
        return ce_year(2500 + n)
    if era == "ce":
        if _FIRST_CE_YEAR <= n < _FIRST_BE_YEAR:
            return n
        raise ThaiDateError(Message("CE %(year)s in '%(text)s' is not a plausible CE year", year=n, text=text))
    if n >= _FIRST_BE_YEAR:
        return ce_year(n)
    if era == "be":
        raise ThaiDateError(Message(
            "BE %(year)s in '%(text)s' is not a plausible Buddhist Era year (CE %(year)s would be BE %(be_year)s)",
            year=n, text=text, be_year=be_year(n)))
    if n >= _FIRST_CE_YEAR:
        return n
    raise ThaiDateError(Message(
        "The year %(year)s in '%(text)s' is neither a plausible BE nor CE year", year=n, text=text))


def _era(match: re.Match[str]) -> str | None:
    if match.group("be"):
        return "be"
    if match.group("ce"):
        return "ce"
    return None


def parse_year(text: str | int) -> int:
    """A BE year from "2568", in Thai digits, after the era or the word for a
    (fiscal) year, or "68" (the examples of thai_calendar.yaml).

    A CE year is refused rather than converted: in a field that asks for a BE
    year it is more likely a slip than a choice, and the message gives the BE year."""
    if isinstance(text, bool):
        raise TypeError("expected a str or int, not bool")
    original = str(text)
    match = _YEAR_RE.match(_clean(original))
    if not match:
        raise _unreadable("year", original)
    digits = match.group("year")
    n = int(digits)
    if len(digits) == 2:
        if _era(match) == "ce":
            raise _unreadable("year", original)
        return 2500 + n
    if _era(match) == "ce" or _FIRST_CE_YEAR <= n < _FIRST_BE_YEAR:
        raise ThaiDateError(Message(
            "'%(text)s' looks like the CE (%(ce)s) year %(year)s; please give the Buddhist Era (%(be)s) year, %(be_year)s",
            text=original, year=n, be_year=be_year(n), ce=ERA["ce"], be=ERA["be"]))
    if n < _FIRST_BE_YEAR:
        raise ThaiDateError(Message("'%(text)s' is not a Buddhist Era year", text=original))
    return n


def _month_number(name: str, text: str, what: str) -> int:
    number = _MONTH_NAMES.get(_name_key(name))
    if number is None:
        raise _unreadable(what, text)
    return number


def _no_month(month: int, text: str) -> ThaiDateError:
    return ThaiDateError(Message("There is no month %(month)s (in '%(text)s')", month=month, text=text))


def _year_and_month(text: str, kind: str, iso: re.Pattern, numeric: re.Pattern,
                    named: re.Pattern) -> tuple[re.Match, int, int]:
    """The match, CE year and month of a month or a day written in one of the three ways."""
    cleaned = _clean(text)
    if match := iso.match(cleaned) or numeric.match(cleaned):
        year, month = _ce_year_from(match.group("year"), None, text), int(match.group("month"))
    elif match := named.match(cleaned):
        month = _month_number(match.group("name"), text, kind)
        year = _ce_year_from(match.group("year"), _era(match), text)
    else:
        raise _unreadable(kind, text)
    if not 1 <= month <= 12:
        raise _no_month(month, text)
    return match, year, month


def parse_month(text: str) -> tuple[int, int]:
    """``(ce_year, month)`` from a month as Thai offices write it."""
    _match, year, month = _year_and_month(text, "month", _MONTH_ISO_RE, _MONTH_NUMERIC_RE, _MONTH_NAMED_RE)
    return year, month


def parse_date(text: str) -> date:
    """A ``date`` from a day as Thai offices write it, in BE or CE."""
    match, year, month = _year_and_month(text, "date", _DATE_ISO_RE, _DATE_NUMERIC_RE, _DATE_NAMED_RE)
    day = int(match.group("day"))
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ThaiDateError(Message(
            "%(day)s %(month)s %(year)s does not exist (in '%(text)s')", day=day, text=text,
            month=lambda lang: _month_name(month, "long", lang), year=lambda lang: _written_year(year, lang)))
    return date(year, month, day)


# --- formatting -------------------------------------------------------------


def _is_english(lang: str) -> bool:
    return (lang or "").lower().startswith("en")


def _written_year(ce_year: int, lang: str) -> int:
    return ce_year if _is_english(lang) else be_year(ce_year)


def _month_name(month: int, style: str, lang: str) -> str:
    if style not in ("long", "short"):
        raise ValueError(f"style must be 'long' or 'short', not {style!r}")
    _check_month(month)
    if _is_english(lang):
        names = MONTHS_EN if style == "long" else MONTHS_EN_ABBR
    else:
        names = MONTHS_TH if style == "long" else MONTHS_TH_ABBR
    return names[month - 1]


def format_month(ce_year: int, month: int, style: str = "long", lang: str = "th") -> str:
    return f"{_month_name(month, style, lang)} {_written_year(ce_year, lang)}"


def format_period_month(ce_year: int, month: int, lang: str = "th") -> str:
    """A month that names a period: Thai writes the word for month before it, English does not."""
    word = _MONTH_WORD["en" if _is_english(lang) else "th"]
    return f"{word}{format_month(ce_year, month, 'long', lang)}"


def format_date(d: date, style: str = "long", lang: str = "th") -> str:
    return f"{d.day} {format_month(d.year, d.month, style, lang)}"


def format_fiscal_year(fiscal_year: int, lang: str = "th") -> str:
    start, end = fiscal_year_start(fiscal_year), fiscal_year_end(fiscal_year)
    return Message(
        "Fiscal year %(year)s (%(start)s – %(end)s)", year=fiscal_year,
        start=lambda lang: format_month(start.year, start.month, "short", lang),
        end=lambda lang: format_month(end.year, end.month, "short", lang)).say("en" if _is_english(lang) else "th")


def format_round(r: MonitoringRound, lang: str = "th") -> str:
    lang = "en" if _is_english(lang) else "th"
    first = format_month(r.start.year, r.start.month, "short", lang)
    last = format_month(r.end.year, r.end.month, "short", lang)
    # A one-month round names its month once.
    span = first if first == last else f"{first} – {last}"
    return Message("Round %(number)s (%(span)s)", number=r.number, span=span).say(lang)
