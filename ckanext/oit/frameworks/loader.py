"""Reading and checking OIT framework editions (schemas/frameworks/*.yaml, or
what a sysadmin loads: frameworks/tabular.py turns CSV and XLSX into the same shape).

An edition is data that people correct by hand, so every problem is reported,
all of them at once, with the file and the entry (or row) and field it is in;
a broken packaged file stops CKAN at start-up rather than serving a half-read
item list, and a broken upload is refused whole.
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from ckanext.oit.i18n_messages import N_, Message, UserError
from ckanext.oit.thai_calendar import normalise_digits

_MISSING = N_("%(where)s: '%(key)s' is missing")
CADENCES = ("standing", "current-year", "previous-year", "monthly", "round")
EVIDENCE_KINDS = ("document", "channel", "records")
CONFIDENCES = ("confirmed", "draft")
CHANNELS = ("questions", "complaints", "feedback", "e-service")
ROUND_MONTHS = (5, 6)
# an edition's own due dates: days after a month or round ends, and a day (MM-DD) of the fiscal year
DUE_KEYS = ("days_after_period", "standing", "current_year", "previous_year")
_KEY_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_MONTH_DAY_RE = re.compile(r"(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])")
# ASCII digits only (Thai digits are turned into them first): str.isdigit also takes
# superscripts and other scripts, which int() then refuses on every page
_CODE_RE = re.compile(r"[Oo]([0-9]{1,3})")
_EDITION_RE = re.compile(r"[0-9]{4}")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# an item list is a few dozen rows: far more is a wrong file, and checking and
# comparing it would cost minutes of a web worker
MAX_ITEMS, MAX_CATEGORIES, MAX_KEY, MAX_TEXT, MAX_DEPTH = 300, 100, 100, 4000, 20


class FrameworkError(UserError):
    """An edition that cannot be used; the message names file and entry."""


class _EditionYamlLoader(yaml.SafeLoader):
    """Safe YAML without aliases (a few lines of them expand to billions of values:
    "billion laughs") and without deep nesting (Python's recursion limit)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise FrameworkError(Message("anchors and aliases (&name, *name) are not accepted in an edition file"))
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise FrameworkError(Message("an edition file is not nested deeper than %(most)s levels",
                                             most=MAX_DEPTH))
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load_yaml(text: str, shown: str) -> Any:
    """An edition file's YAML, as loaded for checking; FrameworkError naming the file."""
    try:
        return yaml.load(text, Loader=_EditionYamlLoader)
    except FrameworkError as error:
        raise FrameworkError(Message("%(where)s: cannot be read: %(error)s", where=shown, error=error.message)) from error
    except yaml.YAMLError as error:
        raise FrameworkError(Message("%(where)s: cannot be read: %(error)s", where=shown, error=str(error))) from error


class EditionInvalid(FrameworkError):
    """Every problem of one edition; ``problems`` holds each as a message."""

    def __init__(self, problems: list[Message]):
        self.problems = problems
        super().__init__(Message("%(problems)s", problems=lambda lang: "; ".join(p.say(lang) for p in problems)))


@dataclasses.dataclass(frozen=True)
class Category:
    code: str
    name_th: str
    name_en: str


@dataclasses.dataclass(frozen=True)
class Item:
    edition: str
    code: str
    key: str
    name_th: str
    name_en: str
    category: str | None
    dataset_type: str
    cadence: str
    evidence: str
    table: str | None = None
    note_th: str | None = None
    note_en: str | None = None
    indicator: str | None = None
    confidence: str = "draft"
    source: str | None = None
    placeholder: bool = False     # the item exists but its wording is not known yet
    continues: tuple[str, ...] = ()  # keys of earlier items whose disclosures this one carries on
    channel: str | None = None    # the portal channel that answers it (evidence "channel")
    months: int | None = None     # monthly items: only the first months of the fiscal year

    @property
    def order(self) -> int:
        return int(self.code.lstrip("Oo"))

    @property
    def counted_keys(self) -> tuple[str, ...]:
        """The item keys whose datasets count for this item: its own, then those it continues."""
        return (self.key, *(k for k in self.continues if k != self.key))


@dataclasses.dataclass(frozen=True)
class Edition:
    edition: str
    title_th: str
    title_en: str
    fiscal_years: tuple[int, ...]
    confidence: str
    source: str
    categories: tuple[Category, ...]
    items: tuple[Item, ...]
    path: str
    follows: str | None = None
    round_months: int | None = None
    due: tuple[tuple[str, Any], ...] = ()
    origin: str = "package"       # "package" (a shipped file) or "stored" (loaded in the portal)
    document: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    def item_by_key(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)

    def item_by_code(self, code: str) -> Item | None:
        return next((i for i in self.items if i.code.upper() == code.upper()), None)

    def items_continuing(self, key: str) -> list[Item]:
        """This edition's items that carry on the disclosures of an earlier item key."""
        return [i for i in self.items if key in i.continues]

    def category(self, code: str | None) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    def due_option(self, name: str) -> Any:
        return dict(self.due).get(name)

    @property
    def placeholders(self) -> list[Item]:
        return [i for i in self.items if i.placeholder]


class _Problems:
    def __init__(self) -> None:
        self.found: list[Message] = []

    def add(self, msgid: str, **params: Any) -> None:
        self.found.append(Message(msgid, **params))

    def raise_any(self) -> None:
        if self.found:
            raise EditionInvalid(self.found)


def _plain(problems: _Problems, where: Any, text: str, field: str) -> bool:
    """No control characters (PostgreSQL, XML and spreadsheets refuse them) and no
    text past any sensible length."""
    if _CONTROL_RE.search(text):
        problems.add(N_("%(where)s: '%(key)s' contains a control character"), where=where, key=field)
        return False
    if len(text) > MAX_TEXT:
        problems.add(N_("%(where)s: '%(key)s' is longer than %(most)s characters"), where=where, key=field,
                     most=MAX_TEXT)
        return False
    return True


def _scalar(problems: _Problems, where: Any, raw: dict, field: str, label: str | None = None) -> str:
    """One field's value as text ('' when empty); a list or a mapping is a problem."""
    value = raw.get(field)
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        problems.add(N_("%(where)s: '%(key)s' must be one value, not a list or a mapping"), where=where,
                     key=label or field)
        return ""
    text = str(value).strip()
    return text if _plain(problems, where, text, label or field) else ""


def _text(problems: _Problems, where: Any, value: Any, field: str) -> tuple[str, str] | None:
    found = _Problems()
    texts = tuple(_scalar(found, where, value, lang, f"{field}.{lang}") for lang in ("th", "en")) \
        if isinstance(value, dict) else ("", "")
    problems.found.extend(found.found)
    if found.found:
        return None
    if not all(texts):
        # named as the spreadsheet's column is (name_en), which says the YAML key as well
        missing = ", ".join(f"{field}_{lang}" for lang, text in zip(("th", "en"), texts) if not text)
        problems.add(N_("%(where)s: '%(key)s' needs both 'th' and 'en' text (missing: %(missing)s)"),
                     where=where, key=field, missing=missing)
        return None
    return texts


def _yaml_where(shown: str) -> Callable[..., Any]:
    def where(index: int, code: str | None, short: bool = False) -> str:
        entry = f"items[{index}]"
        return entry if short else f"{shown}: {entry}" + (f" ({code})" if code else "")
    return where


def _flag(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "yes", "1", "y")


def _keys(value: Any) -> list[str] | None:
    """A list of keys (a list, or a text of them); None for anything else."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [k for k in re.split(r"[\s,;+]+", value) if k]
    if not isinstance(value, list) or any(not isinstance(k, str) for k in value):
        return None
    return [k.strip() for k in value if k.strip()]


def _ascii_digits(value: str) -> str:
    return normalise_digits(value).strip()


def _read_item(problems: _Problems, where: Any, edition: str, raw: Any, categories: dict[str, Category],
               dataset_types: set[str] | None, default_confidence: str,
               tables: set[str] | None = None) -> Item | None:
    if not isinstance(raw, dict):
        problems.add(N_("%(where)s: an item must be a mapping"), where=where)
        return None
    before = len(problems.found)
    fields = {name: _scalar(problems, where, raw, name)
              for name in ("code", "key", "dataset_type", "cadence", "evidence", "category", "table", "channel",
                           "confidence", "indicator", "source")}
    for required in ("code", "key", "name", "dataset_type", "cadence", "evidence"):
        if not raw.get(required):
            problems.add(_MISSING, where=where, key=required)
    code = _ascii_digits(fields["code"])
    if code and not _CODE_RE.fullmatch(code):
        problems.add(N_("%(where)s: code '%(code)s' is not of the form O<number>"), where=where, code=code)
    key = fields["key"]
    if key and not _KEY_RE.fullmatch(key):
        problems.add(N_("%(where)s: key '%(value)s' must be lower-case words joined by '-'"), where=where, value=key)
    elif len(key) > MAX_KEY:
        problems.add(N_("%(where)s: '%(key)s' is longer than %(most)s characters"), where=where, key="key",
                     most=MAX_KEY)
    names = _text(problems, where, raw.get("name"), "name") if raw.get("name") else None
    category = fields["category"] or None
    if category is not None and category not in categories:
        problems.add(N_("%(where)s: category '%(category)s' is not among this edition's categories"),
                     where=where, category=category)
    cadence, evidence = fields["cadence"], fields["evidence"]
    if cadence and cadence not in CADENCES:
        problems.add(N_("%(where)s: unknown cadence '%(cadence)s' (known: %(known)s)"),
                     where=where, cadence=cadence, known=", ".join(CADENCES))
    if evidence and evidence not in EVIDENCE_KINDS:
        problems.add(N_("%(where)s: unknown evidence kind '%(evidence)s' (known: %(known)s)"),
                     where=where, evidence=evidence, known=", ".join(EVIDENCE_KINDS))
    dataset_type = fields["dataset_type"]
    if dataset_type and dataset_types is not None and dataset_type not in dataset_types:
        problems.add(N_("%(where)s: dataset type '%(type)s' has no dataset schema (schemas: %(known)s)"),
                     where=where, type=dataset_type, known=", ".join(sorted(dataset_types)))
    table = fields["table"] or None
    if evidence in EVIDENCE_KINDS and (evidence == "records") != bool(table):
        problems.add(N_("%(where)s: 'table' must be given exactly for evidence 'records'"), where=where)
    elif table and tables is not None and table not in tables:
        problems.add(N_("%(where)s: table '%(table)s' has no table schema (tables: %(known)s)"),
                     where=where, table=table, known=", ".join(sorted(tables)))
    note = _text(problems, where, raw["note"], "note") if raw.get("note") else None
    confidence = fields["confidence"] or default_confidence
    if confidence not in CONFIDENCES:
        problems.add(N_("%(where)s: confidence '%(value)s' is not one of %(known)s"),
                     where=where, value=confidence, known=", ".join(CONFIDENCES))
    channel = fields["channel"] or None
    if channel is not None and channel not in CHANNELS:
        problems.add(N_("%(where)s: unknown channel '%(channel)s' (known: %(known)s)"),
                     where=where, channel=channel, known=", ".join(CHANNELS))
    months = raw.get("months")
    if months not in (None, ""):
        try:
            months = int(_ascii_digits(str(months))) if not isinstance(months, (bool, float)) else \
                (int(months) if isinstance(months, float) and months.is_integer() else 0)
        except (TypeError, ValueError, OverflowError):
            months = 0
        if cadence != "monthly" or not 1 <= months <= 12:
            problems.add(N_("%(where)s: 'months' (1-12) is only for monthly items"), where=where)
    else:
        months = None
    continues = _keys(raw.get("continues"))
    if continues is None:
        problems.add(N_("%(where)s: '%(key)s' must be a list"), where=where, key="continues")
        continues = []
    for other in continues:
        if not _KEY_RE.fullmatch(other):
            problems.add(N_("%(where)s: key '%(value)s' must be lower-case words joined by '-'"), where=where, value=other)
    if len(problems.found) > before:
        return None
    return Item(
        edition=edition, code=code.upper(), key=key, name_th=names[0], name_en=names[1],
        category=category, dataset_type=dataset_type, cadence=cadence, evidence=evidence, table=table,
        note_th=note[0] if note else None, note_en=note[1] if note else None,
        indicator=fields["indicator"] or None,
        confidence=confidence, source=fields["source"] or None,
        placeholder=_flag(raw.get("placeholder")), continues=tuple(continues), channel=channel, months=months,
    )


def _read_due(problems: _Problems, shown: str, raw: Any) -> tuple[tuple[str, Any], ...]:
    if raw in (None, "", {}):
        return ()
    if not isinstance(raw, dict):
        problems.add(N_("%(where)s: 'due' must map %(known)s to values"), where=shown, known=", ".join(DUE_KEYS))
        return ()
    due = []
    for name, value in raw.items():
        if name not in DUE_KEYS:
            problems.add(N_("%(where)s: due: unknown '%(key)s' (known: %(known)s)"),
                         where=shown, key=name, known=", ".join(DUE_KEYS))
        elif name == "days_after_period":
            days = "" if isinstance(value, bool) else _ascii_digits(str(value))
            if not re.fullmatch(r"[0-9]{1,3}", days):
                problems.add(N_("%(where)s: due: '%(key)s' must be a number of days"), where=shown, key=name)
            else:
                due.append((name, int(days)))
        elif not _MONTH_DAY_RE.fullmatch(str(value)):
            problems.add(N_("%(where)s: due: '%(key)s' must be a day of the year as MM-DD, e.g. 12-31"),
                         where=shown, key=name)
        else:
            due.append((name, str(value)))
    return tuple(due)


def _year(value: Any) -> int | None:
    """A Buddhist Era year written as a whole number (Thai digits too), else None."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    text = _ascii_digits(str(value))
    return int(text) if _EDITION_RE.fullmatch(text) and 2400 < int(text) < 2800 else None


def parse_edition(raw: Any, shown: str, dataset_types: Iterable[str] | None = None,
                  item_where: Callable[[int, str | None], Any] | None = None,
                  tables: Iterable[str] | None = None) -> Edition:
    """Check one edition given as a mapping (the YAML file's shape); raise
    EditionInvalid with every problem. ``item_where(index, code)`` names an item
    in messages (the YAML entry, or the spreadsheet row; ``short=True``: without the file).
    ``tables``: the known table schemas, when an item's table is to be checked."""
    problems = _Problems()
    if not isinstance(raw, dict):
        problems.add(N_("%(where)s: an edition file must be a mapping"), where=shown)
        problems.raise_any()
    for required in ("edition", "title", "fiscal_years", "categories", "items"):
        if not raw.get(required):
            problems.add(_MISSING, where=shown, key=required)
    for name, most in (("items", MAX_ITEMS), ("categories", MAX_CATEGORIES)):
        if raw.get(name) and not isinstance(raw[name], list):
            problems.add(N_("%(where)s: '%(key)s' must be a list"), where=shown, key=name)
        elif len(raw.get(name) or ()) > most:
            problems.add(N_("%(where)s: '%(key)s' has %(count)s entries; an edition has at most %(most)s"),
                         where=shown, key=name, count=len(raw[name]), most=most)
    problems.raise_any()  # before any item is read: a wrong file can have a hundred thousand
    edition = _ascii_digits(_scalar(problems, shown, raw, "edition"))
    if edition and not _EDITION_RE.fullmatch(edition):
        problems.add(N_("%(where)s: edition '%(value)s' must be the Buddhist Era year of its cycle, e.g. 2569"),
                     where=shown, value=edition)
    title = _text(problems, shown, raw["title"], "title") if raw.get("title") else None
    years = raw.get("fiscal_years") or ()
    fiscal_years = tuple(_year(y) for y in years) if isinstance(years, (list, tuple)) else (None,)
    if None in fiscal_years:
        problems.add(N_("%(where)s: 'fiscal_years' must be a list of Buddhist Era years"), where=shown)
        fiscal_years = ()
    confidence = _scalar(problems, shown, raw, "confidence")
    follows = _ascii_digits(_scalar(problems, shown, raw, "follows")) or None
    if follows is not None and follows == edition:
        problems.add(N_("%(where)s: follows '%(edition)s', which is not another edition"), where=shown,
                     edition=follows)
    source = _scalar(problems, shown, raw, "source")
    round_months = raw.get("round_months")
    if round_months not in (None, ""):
        if str(round_months) not in {str(m) for m in ROUND_MONTHS}:
            problems.add(N_("%(where)s: 'round_months' must be 5 or 6"), where=shown)
            round_months = None
        else:
            round_months = int(round_months)
    else:
        round_months = None
    due = _read_due(problems, shown, raw.get("due"))

    categories: dict[str, Category] = {}
    for index, cat in enumerate(raw.get("categories") or ()):
        where = f"{shown}: categories[{index}]"
        if not isinstance(cat, dict) or not cat.get("code"):
            problems.add(_MISSING, where=where, key="code")
            continue
        code = _scalar(problems, where, cat, "code")
        if not code:
            continue
        if code in categories:
            problems.add(N_("%(where)s: category code '%(code)s' is used twice"), where=where, code=code)
        names = _text(problems, where, cat.get("name"), "name")
        if names:
            categories[code] = Category(code, *names)

    where_of = item_where or _yaml_where(shown)
    types = set(dataset_types) if dataset_types is not None else None
    known_tables = set(tables) if tables is not None else None
    # an edition of high confidence has its items confirmed unless an item says otherwise
    default_confidence = "confirmed" if confidence == "high" else "draft"
    items: list[Item] = []
    seen: dict[str, dict[str, int]] = {"code": {}, "key": {}}
    for index, raw_item in enumerate(raw.get("items") or ()):
        plain = isinstance(raw_item, dict)
        code = _ascii_digits(_scalar(_Problems(), None, raw_item, "code")).upper() if plain else None
        where = where_of(index, code or None)
        key = _scalar(_Problems(), None, raw_item, "key") if plain else ""
        for label, value in (("code", code), ("key", key)):
            if value and value in seen[label]:
                problems.add(N_("%(where)s: %(key)s '%(value)s' is already used by %(other)s"),
                             where=where, key=label, value=value, other=where_of(seen[label][value], None, short=True))
            if value:
                seen[label].setdefault(value, index)
        item = _read_item(problems, where, edition, raw_item, categories, types, default_confidence, known_tables)
        if item is None:
            continue
        if item.key in item.continues:
            problems.add(N_("%(where)s: an item cannot continue its own key '%(value)s'"), where=where, value=item.key)
        items.append(item)
    problems.raise_any()
    parsed = Edition(
        edition=edition, title_th=title[0], title_en=title[1], fiscal_years=fiscal_years,
        confidence=confidence, source=source,
        categories=tuple(categories.values()), items=tuple(items), path=shown,
        follows=follows, round_months=round_months, due=due,
    )
    return dataclasses.replace(parsed, document=as_document(parsed))


def _item_document(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {"code": item.code, "key": item.key, "name": {"th": item.name_th, "en": item.name_en},
                           "category": item.category}
    if item.indicator:
        out["indicator"] = item.indicator
    out.update(dataset_type=item.dataset_type, cadence=item.cadence)
    if item.months:
        out["months"] = item.months
    out["evidence"] = item.evidence
    for name in ("table", "channel"):
        if getattr(item, name):
            out[name] = getattr(item, name)
    if item.continues:
        out["continues"] = list(item.continues)
    out["confidence"] = item.confidence
    if item.placeholder:
        out["placeholder"] = True
    if item.source:
        out["source"] = item.source
    if item.note_th:
        out["note"] = {"th": item.note_th, "en": item.note_en}
    return out


def as_document(edition: Edition) -> dict[str, Any]:
    """The edition in the shape of an edition file, every value as checked (what is
    stored, exported and compared)."""
    out: dict[str, Any] = {"edition": edition.edition, "title": {"th": edition.title_th, "en": edition.title_en},
                           "fiscal_years": list(edition.fiscal_years)}
    if edition.follows:
        out["follows"] = edition.follows
    out.update(confidence=edition.confidence, source=edition.source)
    if edition.round_months:
        out["round_months"] = edition.round_months
    if edition.due:
        out["due"] = dict(edition.due)
    out["categories"] = [{"code": c.code, "name": {"th": c.name_th, "en": c.name_en}} for c in edition.categories]
    out["items"] = [_item_document(i) for i in edition.items]
    return out


def read_edition(path: Path, dataset_types: Iterable[str] | None = None) -> Edition:
    """Read and check one edition file; ``dataset_types`` are the known schemas."""
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise FrameworkError(Message("%(where)s: cannot be read: %(error)s", where=shown, error=str(error))) from error
    return parse_edition(load_yaml(text, shown), shown, dataset_types)


def read_editions(folder: Path, dataset_types: Iterable[str] | None = None) -> dict[str, Edition]:
    """Every ``*.yaml`` edition in ``folder``, by edition name."""
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise FrameworkError(Message("%(where)s: no edition files (*.yaml)", where=str(folder)))
    types = list(dataset_types) if dataset_types is not None else None
    editions: dict[str, Edition] = {}
    for path in files:
        edition = read_edition(path, types)
        if edition.edition in editions:
            raise FrameworkError(Message("%(where)s: edition '%(edition)s' is also defined in %(other)s", where=str(path),
                                         edition=edition.edition, other=editions[edition.edition].path))
        editions[edition.edition] = edition
    check_across_editions(editions)
    return editions


def ordered(editions: Iterable[Edition]) -> list[Edition]:
    """Oldest first."""
    return sorted(editions, key=lambda e: (min(e.fiscal_years), e.edition))


def previous_of(edition: Edition, editions: dict[str, Edition]) -> Edition | None:
    """The edition this one follows: the one it names, else the one before it."""
    if edition.follows and edition.follows in editions:
        return editions[edition.follows]
    earlier = [e for e in ordered(editions.values())
               if e.edition != edition.edition and min(e.fiscal_years) < min(edition.fiscal_years)]
    return earlier[-1] if earlier else None


def check_across_editions(editions: dict[str, Edition], only: str | None = None,
                          item_where: Callable[[int, str | None], Any] | None = None,
                          replaced: Edition | None = None) -> None:
    """A key means the same disclosure in every edition, so it keeps its dataset
    type; a continued key is an item of an earlier edition. ``only`` checks one
    edition against the others (an upload), naming its items by ``item_where``:
    against every other edition and ``replaced`` (the version it replaces, whose
    datasets keep their type), whatever their order; the others must still find
    the keys they continue, and a fiscal year is listed by one edition only."""
    problems = _Problems()
    first: dict[str, Item] = {}
    for edition in ordered(editions.values()):
        for item in edition.items:
            first.setdefault(item.key, item)
    if only is not None:
        _check_one(problems, editions, editions[only], first, item_where, replaced)
        problems.raise_any()
        return
    for edition in ordered(editions.values()):
        for item in edition.items:
            _check_item(problems, f"{edition.path}: {item.code}", item, first.get(item.key), first)
    problems.raise_any()


def _check_item(problems: _Problems, where: Any, item: Item, other: Item | None, first: dict[str, Item]) -> None:
    """One item against the same key elsewhere (``other``) and the keys it continues."""
    if other is not None and other.dataset_type != item.dataset_type:
        problems.add(N_("%(where)s: key '%(key)s' has dataset type '%(type)s', but '%(other)s' in edition %(edition)s"),
                     where=where, key=item.key, type=item.dataset_type, other=other.dataset_type,
                     edition=other.edition)
    for key in item.continues:
        if key not in first:
            problems.add(N_("%(where)s: continues '%(key)s', which no edition has"), where=where, key=key)


def _check_one(problems: _Problems, editions: dict[str, Edition], mine: Edition, first: dict[str, Item],
               item_where: Callable[..., Any] | None, replaced: Edition | None) -> None:
    others = [e for e in ordered(editions.values()) if e.edition != mine.edition]
    known: dict[str, Item] = {}
    for edition in [*others, *([replaced] if replaced is not None else [])]:
        for item in edition.items:
            known.setdefault(item.key, item)
    where_of = item_where or (lambda index, code: f"{mine.path}: {code}")
    for index, item in enumerate(mine.items):
        _check_item(problems, where_of(index, item.code), item, known.get(item.key), first)
    for edition in others:
        for item in edition.items:
            for key in item.continues:
                if key not in first:
                    problems.add(N_("%(where)s: %(code)s of edition %(edition)s continues '%(key)s', which no edition "
                                    "would have then"), where=mine.path, code=item.code, edition=edition.edition,
                                 key=key)
    for year in mine.fiscal_years:
        listed = next((e for e in others if year in e.fiscal_years), None)
        if listed is not None:
            problems.add(N_("%(where)s: fiscal year %(year)s is listed by edition %(edition)s already: choose the "
                            "edition of a fiscal year in the table of fiscal years instead"),
                         where=mine.path, year=year, edition=listed.edition)
    if mine.follows and mine.follows not in editions:
        problems.add(N_("%(where)s: follows '%(edition)s', which is not another edition"), where=mine.path,
                     edition=mine.follows)
