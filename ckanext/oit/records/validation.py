"""Matching headers, normalising values as Thai offices write them, and checking rows
against a table schema. Every problem names its row (as in the file), column and value,
in Thai and English.

A ``Checker`` compiles each field once per file: its converter (the code list's
spellings built once; the texts already read remembered, as codes, dates and names
repeat) and its constraints (required, minimum, maximum, enum, pattern, minLength,
maxLength), said as frictionless said them; unique values and the primary key are
checked against the values seen. Rows are fed one at a time and none is kept, so
memory stays flat as a file grows. Only a field of a type we do not convert
(datetime, year, ...) is still checked by frictionless, cell by cell."""
from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass, field as dataclass_field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

import yaml

from ckanext.oit import spreadsheet_cells, thai_calendar
from ckanext.oit.i18n_messages import N_, Message, SaidInBoth, UserError
from ckanext.oit.records.model import MAX_PROBLEMS
from ckanext.oit.records.reading import RawTable
from ckanext.oit.records.tables import empty_table, header_index, header_key


@dataclass
class Problem(SaidInBoth):
    row: int | None
    column: str | None
    value: Any
    message: Message

    def as_dict(self) -> dict[str, Any]:
        # kept in both languages: the state is read later, by a page in either
        return {"row": self.row, "column": self.column,
                "value": None if self.value is None else visible(str(self.value)),
                "message": self.message.both(), "message_th": self.th, "message_en": self.en}


class CellError(UserError):
    """A cell whose value cannot be read as its column's type."""


# C0 control characters other than tab, LF and CR: PostgreSQL refuses NUL in text,
# and none of them belongs in a disclosure (they come from broken exports)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def visible(text: str) -> str:
    """Control characters as their printable symbols (NUL → ␀), for problem lists."""
    return CONTROL.sub(lambda m: chr(0x2400 + ord(m.group())), text)


def _controls(value: str) -> None:
    found = CONTROL.search(value)
    if found:
        code, at = f"U+{ord(found.group()):04X}", found.start() + 1
        raise CellError(Message(
            "Contains the control character %(code)s (character %(at)s), which cannot be stored; "
            "remove it and upload again", code=code, at=at))


def _load_words() -> dict[str, list[str]]:
    with open(os.path.join(os.path.dirname(__file__), "cell_words.yaml"), encoding="utf-8") as data:
        return yaml.safe_load(data)


# The currency marks and yes/no answers people type are data (cell_words.yaml)
_WORDS = _load_words()
_MONEY_NOISE = re.compile(r"[,\s\u00a0]|" + "|".join(re.escape(w) for w in _WORDS["currency"]), re.IGNORECASE)
_TRUE = {str(w).lower() for w in _WORDS["true"]}
_FALSE = {str(w).lower() for w in _WORDS["false"]}
_NOT_A_NUMBER = N_("'%(value)s' is not a number")
# what may stand between a "nothing this period" phrase and the month it names
_MONTH_WORDS = sorted((header_key(w) for w in _WORDS["before_month"]), key=len, reverse=True)
_PHRASE_EDGES = " \t-\u2013\u2014.*()[]\"'\u201c\u201d"


_THAI_DIGIT = re.compile(f"[{thai_calendar.to_thai_digits('0123456789')}]")


def _arabic(text: str) -> str:
    """thai_calendar.normalise_digits, sooner for the many texts without a Thai digit
    (str.translate is slow on Thai text)."""
    return thai_calendar.normalise_digits(text) if _THAI_DIGIT.search(text) else text


def _number(value: Any) -> Decimal:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Decimal(str(value))
    text = _MONEY_NOISE.sub("", _arabic(str(value)))
    negative = text.startswith("(") and text.endswith(")")
    try:
        number = Decimal(text.strip("()"))
    except InvalidOperation:
        raise CellError(_NOT_A_NUMBER, value=value)
    if not number.is_finite():  # "NaN", "Infinity" are words, not amounts
        raise CellError(_NOT_A_NUMBER, value=value)
    if number and abs(number.adjusted()) > 300:  # 1e999999 would fail in PostgreSQL, after the old rows went
        raise CellError(Message("'%(value)s' is too large or too small to be stored", value=value))
    return -number if negative else number


# The common amount ("12,500.00", or in Thai digits): digits, separators and spaces only.
# Anything else goes through _number, which gives the same value for these.
_AMOUNT_MARKS = str.maketrans(thai_calendar.to_thai_digits("0123456789"), "0123456789", ", \u00a0")
_PLAIN_AMOUNT = re.compile(r"-?[0-9]+(?:\.[0-9]*)?\Z")


def _amount(value: Any) -> Decimal:
    if type(value) is str:
        text = value.replace(",", "") if value.isascii() else value.translate(_AMOUNT_MARKS)
        if _PLAIN_AMOUNT.match(text):
            number = Decimal(text)
            if not number or abs(number.adjusted()) <= 300:
                return number
    return _number(value)


def _integer(value: Any) -> int:
    if type(value) is str and len(value) < 19 and value.isdigit() and value.isascii():
        return int(value)  # "12": what _number would make of it, sooner
    number = _number(value)
    if number != number.to_integral_value():
        raise CellError(Message("'%(value)s' is not a whole number", value=value))
    if abs(number) >= 2 ** 63:  # the DataStore column is int8: checked here, not after the old rows went
        raise CellError(Message("'%(value)s' is too large to be stored", value=value))
    return int(number)


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return thai_calendar.parse_date(str(value))
    except thai_calendar.ThaiDateError as error:
        raise CellError(error.message) from error


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = header_key(value)
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(Message("'%(value)s' is not yes/no", value=value))


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Thai digits as Arabic, so that numbers in text (contract 4/2569) search alike;
    # runs of whitespace as one space (split() knows the whitespace \s does);
    # a text our CSV downloads quoted ('=…) comes back as it was
    text = " ".join(_arabic(str(value)).split())
    return spreadsheet_cells.unquote(text) if text[:1] == "'" else text


def _reader(field: dict[str, Any]) -> Callable[[Any], Any]:
    """What reads one cell that is not missing as the field's type (CellError if it cannot)."""
    kind = field.get("type", "string")
    if kind == "number":
        return _amount
    if kind == "integer":
        return _integer
    if kind == "date":
        return _date
    if kind == "boolean":
        return _boolean
    aliases = (field.get("oit") or {}).get("enum_aliases") or {}
    if not aliases:
        return _text
    # every spelling of the code list, built once for the file
    wanted = {header_key(k): v for k, v in aliases.items()}
    wanted.update({header_key(v): v for v in (field.get("constraints") or {}).get("enum", [])})

    def code(value: Any) -> str:
        text = _text(value)
        return wanted.get(header_key(text), text)
    return code


_UNSEEN = object()
_REMEMBERED = 512       # texts remembered per column (codes, dates, names repeat)
_REMEMBERED_LENGTH = 200  # longer texts are not


def _converter(field: dict[str, Any], missing_values: set[str]) -> Callable[[Any], Any]:
    """The field's normaliser: None for a missing value, else its reader's value."""
    read, seen = _reader(field), {}

    def convert(value: Any) -> Any:
        if value is None:
            return None
        if type(value) is str:  # only texts: 1, 1.0 and True are equal keys
            found = seen.get(value, _UNSEEN)
            if found is not _UNSEEN:
                return found
            found = None if value.strip() in missing_values else read(value)
            if len(seen) < _REMEMBERED and len(value) <= _REMEMBERED_LENGTH:
                seen[value] = found
            return found
        if isinstance(value, str) and value.strip() in missing_values:
            return None
        return read(value)
    return convert


def normalise(value: Any, field: dict[str, Any], missing_values: set[str]) -> Any:
    """One cell normalised to its field's type (a Checker compiles the field once for a file)."""
    if isinstance(value, str):
        _controls(value)
    return _converter(field, missing_values)(value)


# --- constraints, worded as frictionless worded them ---------------------------------

_NATIVE_TYPES = ("string", "integer", "number", "date", "boolean")
# frictionless checks these per type, in this order (fields/*.py supported_constraints)
_SUPPORTED = {"string": ("minLength", "maxLength", "pattern", "enum"), "integer": ("minimum", "maximum", "enum"),
              "number": ("minimum", "maximum", "enum"), "date": ("minimum", "maximum", "enum"),
              "boolean": ("enum",)}
_REQUIRED = N_("A value is required")
_BELOW = N_("%(value)s is below the minimum (%(note)s)")
_ABOVE = N_("%(value)s is above the maximum (%(note)s)")
_NOT_LISTED = N_("'%(value)s' is not one of the allowed values (%(note)s)")
_NOT_FORMED = N_("'%(value)s' does not have the required form (%(note)s)")
_INVALID = N_("Invalid value '%(value)s' (%(kind)s: %(note)s)")

# what a constraint says of a bad cell, given the cell as text
Said = Callable[[str], Message]


def _note(name: str, constraint: Any) -> str:
    return f'constraint "{name}" is "{constraint}"'


def _bound(kind: str, value: Any) -> Any:
    if kind == "date":
        return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
    return _integer(value) if kind == "integer" else (_number(value) if kind == "number" else value)


def _saying(msgid: str, note: str, **params: Any) -> Said:
    return lambda cell: Message(msgid, value=cell, note=note, **params)


def _constraint_checks(field: dict[str, Any], kind: str) -> list[tuple[Callable[[Any], bool], Said]]:
    """(passes(value), what a failure says) of each constraint on a value that is not missing."""
    constraints = field.get("constraints") or {}
    checks: list[tuple[Callable[[Any], bool], Said]] = []
    for name in _SUPPORTED[kind]:
        if name not in constraints:
            continue
        constraint, note = constraints[name], _note(name, constraints[name])
        if name == "minimum":
            low = _bound(kind, constraint)
            checks.append((lambda v, low=low: v >= low, _saying(_BELOW, note)))
        elif name == "maximum":
            high = _bound(kind, constraint)
            checks.append((lambda v, high=high: v <= high, _saying(_ABOVE, note)))
        elif name == "enum":
            allowed = frozenset(constraint if kind in ("string", "boolean") else (_bound(kind, v) for v in constraint))
            checks.append((lambda v, allowed=allowed: v in allowed, _saying(_NOT_LISTED, note)))
        elif name == "pattern":
            pattern = re.compile(f"^{constraint}$")  # anchored, as frictionless anchors it
            checks.append((lambda v, pattern=pattern: pattern.match(v) is not None, _saying(_NOT_FORMED, note)))
        elif name == "minLength":
            checks.append((lambda v, n=constraint: len(v) >= n, _saying(_INVALID, note, kind="constraint-error")))
        elif name == "maxLength":
            checks.append((lambda v, n=constraint: len(v) <= n, _saying(_INVALID, note, kind="constraint-error")))
    return checks


def _checker(field: dict[str, Any], missing_values: set[str]) -> Callable[[Any], list[Said] | None] | None:
    """What the field's constraints say of a normalised value (None: nothing); None
    for a field without constraints. A text left equal to a missing value counts as
    missing, as frictionless counts it."""
    kind = field.get("type", "string")
    if kind not in _NATIVE_TYPES:
        return _frictionless_checker(field, missing_values)
    required = bool((field.get("constraints") or {}).get("required"))
    checks = _constraint_checks(field, kind)
    if not required and not checks:
        return None
    said_required = [lambda cell: Message(_REQUIRED)]

    def check(value: Any) -> list[Said] | None:
        if value is None or (value.__class__ is str and value in missing_values):
            return said_required if required else None
        failed = None
        for passes, said in checks:
            if not passes(value):
                failed = (failed or []) + [said]
        return failed
    return check


def _frictionless_checker(field: dict[str, Any], missing_values: set[str]) -> Callable[[Any], list[Said] | None]:
    """A type we do not convert (kept as text): frictionless reads the value and
    checks its constraints, as it did for every field before."""
    from frictionless import Field

    descriptor = {k: v for k, v in field.items() if k != "oit"}
    descriptor["missingValues"] = sorted(missing_values)
    read = Field.from_descriptor(descriptor).create_cell_reader()

    def check(value: Any) -> list[Said] | None:
        _, notes = read(json_value(value))
        if not notes:
            return None
        return [lambda cell, kind=("type-error" if name == "type" else "constraint-error"), note=note:
                _describe(kind, note, cell) for name, note in notes.items()]
    return check


def _describe(kind: str, note: str, cell: Any) -> Message:
    """A frictionless error of a field we leave to frictionless, in our words."""
    note = note or ""
    if "required" in note:
        return Message(_REQUIRED)
    if "minimum" in note:
        return Message(_BELOW, value=cell, note=note)
    if "maximum" in note:
        return Message(_ABOVE, value=cell, note=note)
    if "enum" in note:
        return Message(_NOT_LISTED, value=cell, note=note)
    if "pattern" in note:
        return Message(_NOT_FORMED, value=cell, note=note)
    return Message(_INVALID, value=cell, kind=kind, note=note)


def json_value(value: Any) -> Any:
    """A normalised cell as JSON writes it (DataStore rows)."""
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# --- a file that says it has nothing to report ----------------------------------------


def _says_empty(value: Any, phrases: list[str]) -> bool:
    """A cell that is one of the phrases, perhaps followed by the month it is about
    (cell_words.yaml ``before_month``, then a month as thai_calendar reads it), compared
    as headers are."""
    if not isinstance(value, str):
        return False
    said = header_key(value.strip(_PHRASE_EDGES))
    for phrase in phrases:
        key = header_key(phrase)
        if said == key:
            return True
        if key and said.startswith(key):
            rest = said[len(key):].strip("()[]-\u2013\u2014,.")
            rest = next((rest[len(w):] for w in _MONTH_WORDS if rest.startswith(w)), rest)
            try:
                thai_calendar.parse_month(rest)
                return True
            except thai_calendar.ThaiDateError:
                continue
    return False


def _row_says_empty(cells: list[Any], schema: dict[str, Any]) -> bool:
    """A phrase of the schema's ``oit.empty_table`` in some cell, every other cell empty
    or a missing value such as "-"."""
    phrases = (empty_table(schema) or {}).get("phrases") or []
    missing = {str(v).strip() for v in schema.get("missingValues", [""])}
    said = False
    for value in cells:
        if value is None or (isinstance(value, str) and value.strip() in missing):
            continue
        if not _says_empty(value, phrases):
            return False
        said = True
    return said


def stated_empty(raw: RawTable, schema: dict[str, Any]) -> bool:
    """Whether the file's only data row says the period has nothing to report, in a
    phrase of the schema's ``oit.empty_table`` (in any cell; every other cell empty or
    a missing value such as "-"): the table is then empty, not a row in error."""
    phrases = (empty_table(schema) or {}).get("phrases") or []
    return bool(phrases) and len(raw.rows) == 1 and _row_says_empty(raw.rows[0], schema)


# --- the checker ----------------------------------------------------------------------


def _title(field: dict[str, Any]) -> str:
    return field.get("title") or field["name"]


def _titled(field: dict[str, Any]) -> Callable[[str], str]:
    """The field's column title in the language asked for."""
    title, title_en = _title(field), (field.get("oit") or {}).get("title_en") or field["name"]
    return lambda lang: title_en if lang == "en" else title


def official(field: dict[str, Any]) -> bool:
    """A column of the official form (``oit.official`` in the table schema)."""
    return bool((field.get("oit") or {}).get("official"))


_BLANK_ROW = N_("The row has no value: every cell is empty or '-'; remove the row or fill it in")


class Checker:
    """Checks the rows of one file as they are read: ``feed`` each data row (its row in
    the file and its cells), then ``finish``. Each returns the rows now ready, normalised
    (a cell in error is None); ``problems`` holds the header's problems from the start,
    then those of the rows fed (at most ``limit`` kept, ``problem_count`` counts all);
    ``warnings`` (never blocking) are known from the start. No row is kept: only the
    primary-key and unique values seen, with the row each was first in."""

    def __init__(self, schema: dict[str, Any], headers: list[Any], *, limit: int | None = MAX_PROBLEMS):
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.problem_count = 0
        self.row_count = 0
        self.stated_empty = False
        self._schema, self._limit = schema, limit
        fields = schema["fields"]
        by_name = {f["name"]: f for f in fields}
        index = header_index(schema)
        columns: dict[str, int] = {}
        found: list[Problem] = []
        for position, header in enumerate(headers):
            name = index.get(header_key(header))
            if name is None:
                continue  # a column the schema does not know is left out
            if name in columns:
                found.append(Problem(1, str(header), header, Message(
                    "Column '%(column)s' appears twice", column=_title(by_name[name]))))
            columns.setdefault(name, position)
        for field in fields:
            if field["name"] in columns:
                continue
            if (field.get("constraints") or {}).get("required"):
                found.append(Problem(None, _title(field), None, Message(
                    "Column '%(column)s' (%(name)s) is missing", name=field["name"], column=_titled(field))))
            elif official(field):
                # the file still loads; a missing column usually means an old or another template
                self.warnings.append(Problem(None, _title(field), None, Message(
                    "Column '%(column)s' of the official form is missing; check that the file uses "
                    "the current template", column=_titled(field))))
        self._report(found)

        missing = set(schema.get("missingValues", [""]))
        self._missing = missing
        self._names = [f["name"] for f in fields]
        # each present field: (name, position, convert, check, title); an absent one stays None
        self._plan = [(f["name"], columns[f["name"]], _converter(f, missing), _checker(f, missing), _title(f))
                      for f in fields if f["name"] in columns]
        keys = schema.get("primaryKey") or []
        keys = [keys] if isinstance(keys, str) else list(keys)
        # an absent key column: its header problem says it, no row is a duplicate
        self._keys = keys if keys and all(k in columns for k in keys) else []
        self._key_title = _key_title([by_name[k] for k in self._keys]) if self._keys else None
        self._key_column = _title(by_name[keys[0]]) if len(self._keys) == 1 else None
        self._key_rows: dict[Any, int] = {}
        self._unique = [(f["name"], _title(f), _titled(f), {}) for f in fields
                        if (f.get("constraints") or {}).get("unique") and f["name"] in columns]
        # the first row is held until we know whether it is the only one and says "nothing to report"
        self._hold = bool((empty_table(schema) or {}).get("phrases"))
        self._held: tuple[int, list[Any]] | None = None

    # feeding

    def feed(self, number: int, cells: list[Any]) -> list[dict[str, Any]]:
        if self._held is not None:
            held, self._held = self._held, None
            return [self._row(*held), self._row(number, cells)]
        if self._hold:
            self._hold = False
            self._held = (number, list(cells))
            return []
        return [self._row(number, cells)]

    def finish(self) -> list[dict[str, Any]]:
        self._hold = False
        if self._held is None:
            return []
        (number, cells), self._held = self._held, None
        if _row_says_empty(cells, self._schema):
            self.stated_empty = True
            return []
        return [self._row(number, cells)]

    def _report(self, found: list[Problem]) -> None:
        self.problem_count += len(found)
        if self._limit is None:
            self.problems.extend(found)
        elif len(self.problems) < self._limit:
            self.problems.extend(found[:self._limit - len(self.problems)])

    def _row(self, number: int, cells: list[Any]) -> dict[str, Any]:
        self.row_count += 1
        row = dict.fromkeys(self._names)
        width, missing = len(cells), self._missing
        try:  # one search of the whole row: control characters are rare
            controls = CONTROL.search("".join(cells)) is not None
        except TypeError:  # cells of a spreadsheet: numbers, dates
            controls = CONTROL.search("".join(c for c in cells if isinstance(c, str))) is not None
        found: list[Problem] = []
        failed: set[str] = set()
        said: list[tuple[str, Any, list[Said]]] = []
        filled = False
        for name, position, convert, check, title in self._plan:
            value = cells[position] if position < width else None
            try:
                if controls and isinstance(value, str):
                    _controls(value)
                normalised = convert(value)
            except CellError as error:
                failed.add(name)
                found.append(Problem(number, title, value, error.message))
                continue
            row[name] = normalised
            if not filled and normalised is not None:
                filled = normalised.__class__ is not str or normalised not in missing
            if check is not None:
                bad = check(normalised)
                if bad is not None:
                    said.append((title, normalised, bad))
        if not filled:
            # nothing but empty cells, "-" or cells in error: one problem, no "required" for each cell
            found.append(Problem(number, None, None, Message(_BLANK_ROW)))
        else:
            for title, normalised, bad in said:
                cell = str(json_value(normalised))
                found.extend(Problem(number, title, cell, say(cell)) for say in bad)
            if self._keys:
                self._check_key(number, row, failed, found)
            for name, title, titled, seen in self._unique:
                value = row[name]
                if value is not None and name not in failed:
                    first = seen.setdefault(value, number)
                    if first != number:
                        found.append(_duplicate(number, first, title, titled, value))
        if found:
            self._report(found)
        return row

    def _check_key(self, number: int, row: dict[str, Any], failed: set[str], found: list[Problem]) -> None:
        """The primary key seen in an earlier row: said on this row, naming that one.
        A key cell empty or in error has its own problem and is no duplicate."""
        keys = self._keys
        if len(keys) == 1:
            key = row[keys[0]]
            if key is None or keys[0] in failed:
                return
        else:
            key = tuple(row[k] for k in keys)
            if None in key or failed.intersection(keys):
                return
        first = self._key_rows.setdefault(key, number)
        if first != number:
            found.append(_duplicate(number, first, self._key_column, self._key_title, key))


def _key_title(fields: list[dict[str, Any]]) -> Callable[[str], str]:
    titles = [_titled(f) for f in fields]
    return lambda lang: ", ".join(t(lang) for t in titles)


def _duplicate(number: int, first: int, column: str | None, titled: Callable[[str], str], key: Any) -> Problem:
    value = ", ".join(str(json_value(k)) for k in key) if isinstance(key, tuple) else str(json_value(key))
    return Problem(number, column, value, Message(
        "Duplicate of row %(first)s: %(column)s %(value)s is in both rows", first=first, column=titled, value=value))


# --- a whole table ----------------------------------------------------------------------


@dataclass
class Checked:
    rows: list[dict[str, Any]]
    problems: list[Problem]                       # by row, then column
    warnings: list[Problem] = dataclass_field(default_factory=list)


def check_table(raw: RawTable, schema: dict[str, Any]) -> Checked:
    """Every row normalised, every problem (sorted by row and column) and the warnings."""
    checker = Checker(schema, raw.headers, limit=None)
    rows: list[dict[str, Any]] = []
    for number, cells in zip(raw.row_numbers, raw.rows):
        rows.extend(checker.feed(number, cells))
    rows.extend(checker.finish())
    problems = sorted(checker.problems, key=lambda p: (p.row or 0, p.column or ""))
    return Checked(rows, problems, checker.warnings)


def check(raw: RawTable, schema: dict[str, Any]) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The rows normalised to the schema's types, and every problem found."""
    checked = check_table(raw, schema)
    return checked.rows, checked.problems
