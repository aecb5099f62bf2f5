"""Thai calendar helpers: Buddhist Era years, fiscal years, monitoring rounds,
reading the dates Thai offices write and formatting dates for people.

Dates are kept as ``datetime.date`` (Gregorian, CE); BE is for reading and
display only. The fiscal year runs 1 October – 30 September and is named after
the BE year in which it ends (FY 2569 = 1 Oct 2025 – 30 Sep 2026).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

__all__ = [
    "BE_OFFSET",
    "MONTHS_TH",
    "MONTHS_TH_ABBR",
    "MONTHS_EN",
    "MONTHS_EN_ABBR",
    "ThaiDateError",
    "normalise_digits",
    "to_thai_digits",
    "be_year",
    "ce_year",
    "fiscal_year_of",
    "fiscal_year_start",
    "fiscal_year_end",
    "fiscal_year_months",
    "month_in_fiscal_year",
    "MonitoringRound",
    "monitoring_rounds",
    "monitoring_round",
    "parse_year",
    "parse_month",
    "parse_date",
    "format_date",
    "format_month",
    "format_fiscal_year",
    "format_round",
]

BE_OFFSET = 543

MONTHS_TH: tuple[str, ...] = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
MONTHS_TH_ABBR: tuple[str, ...] = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
MONTHS_EN: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
MONTHS_EN_ABBR: tuple[str, ...] = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)
# Spoken short forms ("ตุลา 68") that turn up in forms typed by hand.
_MONTHS_TH_COLLOQUIAL: tuple[str, ...] = (
    "มกรา", "กุมภา", "มีนา", "เมษา", "พฤษภา", "มิถุนา",
    "กรกฎา", "สิงหา", "กันยา", "ตุลา", "พฤศจิกา", "ธันวา",
)

# Unmarked four-digit years from here up are BE; 1900–2399 are CE. The ranges
# cannot overlap for any date this catalogue will hold.
_FIRST_BE_YEAR = 2400
_FIRST_CE_YEAR = 1900

_THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(_THAI_DIGITS, "0123456789")
_TO_THAI = str.maketrans("0123456789", _THAI_DIGITS)


class ThaiDateError(ValueError):
    """A date, month or year that cannot be read, with a message in Thai and English."""

    def __init__(self, th: str, en: str) -> None:
        self.th = th
        self.en = en
        super().__init__(f"{th} / {en}")


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
        raise ThaiDateError(
            f"ปีงบประมาณ {fiscal_year} ดูเหมือนเป็นปี ค.ศ. "
            f"ต้องใช้ปี พ.ศ. ({be_year(fiscal_year)})",
            f"Fiscal year {fiscal_year} looks like a CE (ค.ศ.) year; "
            f"fiscal years are Buddhist Era years ({be_year(fiscal_year)})",
        )
    if fiscal_year < _FIRST_BE_YEAR:
        raise ThaiDateError(
            f"ปีงบประมาณ {fiscal_year} ไม่ใช่ปี พ.ศ.",
            f"Fiscal year {fiscal_year} is not a Buddhist Era year",
        )


def _check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise ThaiDateError(f"ไม่มีเดือนที่ {month}", f"There is no month {month}")


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
        raise ThaiDateError(
            f"ปีงบประมาณ {fiscal_year} มี {len(rounds)} รอบ (รอบละ {round_months} เดือน) "
            f"ไม่มีรอบที่ {number}",
            f"Fiscal year {fiscal_year} has {len(rounds)} round(s) of {round_months} month(s); "
            f"there is no round {number}",
        )
    return rounds[number - 1]


# --- parsing ----------------------------------------------------------------

# Era markers as written: "พ.ศ.", "พ.ศ", "พศ", "B.E."; "ค.ศ.", "C.E.", "A.D.".
_ERA = (
    r"(?:(?P<be>พ\.?\s*ศ\.?|B\.?\s*E\.?)|(?P<ce>ค\.?\s*ศ\.?|C\.?\s*E\.?|A\.?\s*D\.?))"
)
_YEAR = r"(?P<year>\d{4}|\d{2})"

_YEAR_RE = re.compile(rf"^(?:(?:ปีงบประมาณ|ปีงบ|ปี|FY)\s*)?{_ERA}?\s*{_YEAR}$", re.I)
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
_DATE_NAMED_RE = re.compile(
    rf"^(?:ณ\s*)?(?:วันที่\s*)?(?P<day>\d{{1,2}})\s*(?P<name>[^\d]+?)\s*{_ERA}?\s*{_YEAR}$",
    re.I,
)


def _name_key(name: str) -> str:
    key = re.sub(r"[\s.]", "", name).lower()
    return key.removeprefix("เดือน")


_MONTH_NAMES: dict[str, int] = {}
for _names in (MONTHS_TH, MONTHS_TH_ABBR, _MONTHS_TH_COLLOQUIAL, MONTHS_EN, MONTHS_EN_ABBR):
    for _number, _name in enumerate(_names, start=1):
        _MONTH_NAMES[_name_key(_name)] = _number
_MONTH_NAMES["sept"] = 9
del _names, _number, _name


def _clean(text: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"expected a str, not {type(text).__name__}")
    # Text pasted from PDFs and Word brings zero-width and no-break spaces.
    text = text.replace("\u200b", "").replace("\ufeff", "")
    return " ".join(normalise_digits(text).split())


def _unreadable(what_th: str, what_en: str, text: str, examples: str) -> ThaiDateError:
    return ThaiDateError(
        f"อ่าน{what_th}จาก “{text}” ไม่ได้ (ตัวอย่างที่อ่านได้: {examples})",
        f"Cannot read a {what_en} from '{text}' (forms that work: {examples})",
    )


def _ce_year_from(digits: str, era: str | None, text: str) -> int:
    """The CE year meant by a written year: two digits are BE 25xx, four digits
    are BE from 2400 and CE from 1900 to 2399, unless an era says otherwise."""
    n = int(digits)
    if len(digits) == 2:
        if era == "ce":
            raise ThaiDateError(
                f"ปี ค.ศ. ใน “{text}” ต้องเขียนเต็ม 4 หลัก",
                f"The CE year in '{text}' must have four digits",
            )
        return ce_year(2500 + n)
    if era == "ce":
        if _FIRST_CE_YEAR <= n < _FIRST_BE_YEAR:
            return n
        raise ThaiDateError(
            f"ค.ศ. {n} ใน “{text}” ไม่น่าใช่ปี ค.ศ.",
            f"CE {n} in '{text}' is not a plausible CE year",
        )
    if n >= _FIRST_BE_YEAR:
        return ce_year(n)
    if era == "be":
        raise ThaiDateError(
            f"พ.ศ. {n} ใน “{text}” ไม่น่าใช่ปี พ.ศ. (ถ้าเป็น ค.ศ. {n} จะตรงกับ พ.ศ. {be_year(n)})",
            f"BE {n} in '{text}' is not a plausible Buddhist Era year "
            f"(CE {n} would be BE {be_year(n)})",
        )
    if n >= _FIRST_CE_YEAR:
        return n
    raise ThaiDateError(
        f"ปี {n} ใน “{text}” ไม่ใช่ทั้งปี พ.ศ. และ ค.ศ.",
        f"The year {n} in '{text}' is neither a plausible BE nor CE year",
    )


def _era(match: re.Match[str]) -> str | None:
    if match.group("be"):
        return "be"
    if match.group("ce"):
        return "ce"
    return None


def parse_year(text: str | int) -> int:
    """A BE year from "2568", "๒๕๖๘", "พ.ศ. 2568", "ปีงบประมาณ 2568" or "68".

    A CE year is refused rather than converted: in a field that asks for พ.ศ.
    it is more likely a slip than a choice, and the message gives the BE year."""
    if isinstance(text, bool):
        raise TypeError("expected a str or int, not bool")
    original = str(text)
    match = _YEAR_RE.match(_clean(original))
    if not match:
        raise _unreadable("ปี พ.ศ.", "Buddhist Era year", original, "2568, พ.ศ. 2568, 68")
    digits = match.group("year")
    n = int(digits)
    if len(digits) == 2:
        if _era(match) == "ce":
            raise _unreadable("ปี พ.ศ.", "Buddhist Era year", original, "2568, พ.ศ. 2568, 68")
        return 2500 + n
    if _era(match) == "ce" or _FIRST_CE_YEAR <= n < _FIRST_BE_YEAR:
        raise ThaiDateError(
            f"“{original}” ดูเหมือนเป็นปี ค.ศ. {n} ซึ่งตรงกับ พ.ศ. {be_year(n)} กรุณาใช้ปี พ.ศ.",
            f"'{original}' looks like the CE (ค.ศ.) year {n}; "
            f"please give the Buddhist Era (พ.ศ.) year, {be_year(n)}",
        )
    if n < _FIRST_BE_YEAR:
        raise ThaiDateError(
            f"“{original}” ไม่ใช่ปี พ.ศ.", f"'{original}' is not a Buddhist Era year"
        )
    return n


def _month_number(name: str, text: str, what_th: str, what_en: str, examples: str) -> int:
    number = _MONTH_NAMES.get(_name_key(name))
    if number is None:
        raise _unreadable(what_th, what_en, text, examples)
    return number


_MONTH_EXAMPLES = "ต.ค. 2568, ตุลาคม 2568, 10/2568, 2025-10"
_DATE_EXAMPLES = "15 ต.ค. 2568, 15/10/2568, 2025-10-15"


def parse_month(text: str) -> tuple[int, int]:
    """``(ce_year, month)`` from a month as Thai offices write it."""
    cleaned = _clean(text)
    if match := _MONTH_ISO_RE.match(cleaned):
        year = _ce_year_from(match.group("year"), None, text)
        month = int(match.group("month"))
    elif match := _MONTH_NUMERIC_RE.match(cleaned):
        year = _ce_year_from(match.group("year"), None, text)
        month = int(match.group("month"))
    elif match := _MONTH_NAMED_RE.match(cleaned):
        month = _month_number(match.group("name"), text, "เดือน", "month", _MONTH_EXAMPLES)
        year = _ce_year_from(match.group("year"), _era(match), text)
    else:
        raise _unreadable("เดือน", "month", text, _MONTH_EXAMPLES)
    if not 1 <= month <= 12:
        raise ThaiDateError(
            f"ไม่มีเดือนที่ {month} (จาก “{text}”)", f"There is no month {month} (in '{text}')"
        )
    return year, month


def parse_date(text: str) -> date:
    """A ``date`` from a day as Thai offices write it, in BE or CE."""
    cleaned = _clean(text)
    if match := _DATE_ISO_RE.match(cleaned):
        year = _ce_year_from(match.group("year"), None, text)
        month = int(match.group("month"))
    elif match := _DATE_NUMERIC_RE.match(cleaned):
        year = _ce_year_from(match.group("year"), None, text)
        month = int(match.group("month"))
    elif match := _DATE_NAMED_RE.match(cleaned):
        month = _month_number(match.group("name"), text, "วันที่", "date", _DATE_EXAMPLES)
        year = _ce_year_from(match.group("year"), _era(match), text)
    else:
        raise _unreadable("วันที่", "date", text, _DATE_EXAMPLES)
    day = int(match.group("day"))
    if not 1 <= month <= 12:
        raise ThaiDateError(
            f"ไม่มีเดือนที่ {month} (จาก “{text}”)", f"There is no month {month} (in '{text}')"
        )
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ThaiDateError(
            f"ไม่มีวันที่ {day} {MONTHS_TH[month - 1]} พ.ศ. {be_year(year)} (จาก “{text}”)",
            f"{day} {MONTHS_EN[month - 1]} {year} does not exist (in '{text}')",
        )
    return date(year, month, day)


# --- formatting -------------------------------------------------------------


def _is_english(lang: str) -> bool:
    return (lang or "").lower().startswith("en")


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
    name = _month_name(month, style, lang)
    return f"{name} {ce_year if _is_english(lang) else be_year(ce_year)}"


def format_date(d: date, style: str = "long", lang: str = "th") -> str:
    return f"{d.day} {format_month(d.year, d.month, style, lang)}"


def format_fiscal_year(fiscal_year: int, lang: str = "th") -> str:
    if not _is_english(lang):
        _check_fiscal_year(fiscal_year)
        return f"ปีงบประมาณ พ.ศ. {fiscal_year}"
    start, end = fiscal_year_start(fiscal_year), fiscal_year_end(fiscal_year)
    return (
        f"Fiscal year {fiscal_year} "
        f"({format_month(start.year, start.month, 'short', lang)} – "
        f"{format_month(end.year, end.month, 'short', lang)})"
    )


def format_round(r: MonitoringRound, lang: str = "th") -> str:
    first = format_month(r.start.year, r.start.month, "short", lang)
    last = format_month(r.end.year, r.end.month, "short", lang)
    # A one-month round names its month once.
    span = first if first == last else f"{first} – {last}"
    label = "Round" if _is_english(lang) else "รอบที่"
    return f"{label} {r.number} ({span})"
