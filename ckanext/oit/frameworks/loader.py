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

_MISSING = N_("%(where)s: '%(key)s' is missing")
CADENCES = ("standing", "current-year", "previous-year", "monthly", "round")
EVIDENCE_KINDS = ("document", "channel", "records")
CONFIDENCES = ("confirmed", "draft")
CHANNELS = ("questions", "complaints", "feedback", "e-service")
ROUND_MONTHS = (5, 6)
# an edition's own due dates: days after a month or round ends, and a day (MM-DD) of the fiscal year
DUE_KEYS = ("days_after_period", "standing", "current_year", "previous_year")
_KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MONTH_DAY_RE = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")


class FrameworkError(UserError):
    """An edition that cannot be used; the message names file and entry."""


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


def _text(problems: _Problems, where: Any, value: Any, field: str) -> tuple[str, str] | None:
    if not isinstance(value, dict) or not str(value.get("th") or "").strip() or not str(value.get("en") or "").strip():
        problems.add(N_("%(where)s: '%(key)s' needs both 'th' and 'en' text"), where=where, key=field)
        return None
    return str(value["th"]).strip(), str(value["en"]).strip()


def _yaml_where(shown: str) -> Callable[..., Any]:
    def where(index: int, code: str | None, short: bool = False) -> str:
        entry = f"items[{index}]"
        return entry if short else f"{shown}: {entry}" + (f" ({code})" if code else "")
    return where


def _flag(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "yes", "1", "y")


def _keys(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [k for k in re.split(r"[\s,;+]+", value) if k]
    return [str(k).strip() for k in value if str(k).strip()]


def _read_item(problems: _Problems, where: Any, edition: str, raw: Any, categories: dict[str, Category],
               dataset_types: set[str] | None, default_confidence: str) -> Item | None:
    if not isinstance(raw, dict):
        problems.add(N_("%(where)s: an item must be a mapping"), where=where)
        return None
    before = len(problems.found)
    for required in ("code", "key", "name", "dataset_type", "cadence", "evidence"):
        if not raw.get(required):
            problems.add(_MISSING, where=where, key=required)
    code = str(raw.get("code") or "").strip()
    if code and not (code[:1] in "Oo" and code[1:].isdigit()):
        problems.add(N_("%(where)s: code '%(code)s' is not of the form O<number>"), where=where, code=code)
    key = str(raw.get("key") or "").strip()
    if key and not _KEY_RE.match(key):
        problems.add(N_("%(where)s: key '%(value)s' must be lower-case words joined by '-'"), where=where, value=key)
    names = _text(problems, where, raw.get("name"), "name") if raw.get("name") else None
    category = raw.get("category")
    if category not in (None, ""):
        category = str(category)
        if category not in categories:
            problems.add(N_("%(where)s: category '%(category)s' is not among this edition's categories"),
                         where=where, category=category)
    else:
        category = None
    cadence, evidence = raw.get("cadence"), raw.get("evidence")
    if cadence and cadence not in CADENCES:
        problems.add(N_("%(where)s: unknown cadence '%(cadence)s' (known: %(known)s)"),
                     where=where, cadence=cadence, known=", ".join(CADENCES))
    if evidence and evidence not in EVIDENCE_KINDS:
        problems.add(N_("%(where)s: unknown evidence kind '%(evidence)s' (known: %(known)s)"),
                     where=where, evidence=evidence, known=", ".join(EVIDENCE_KINDS))
    dataset_type = raw.get("dataset_type")
    if dataset_type and dataset_types is not None and dataset_type not in dataset_types:
        problems.add(N_("%(where)s: dataset type '%(type)s' has no dataset schema (schemas: %(known)s)"),
                     where=where, type=dataset_type, known=", ".join(sorted(dataset_types)))
    table = raw.get("table") or None
    if evidence in EVIDENCE_KINDS and (evidence == "records") != bool(table):
        problems.add(N_("%(where)s: 'table' must be given exactly for evidence 'records'"), where=where)
    note = _text(problems, where, raw["note"], "note") if raw.get("note") else None
    confidence = str(raw.get("confidence") or default_confidence)
    if confidence not in CONFIDENCES:
        problems.add(N_("%(where)s: confidence '%(value)s' is not one of %(known)s"),
                     where=where, value=confidence, known=", ".join(CONFIDENCES))
    channel = raw.get("channel") or None
    if channel is not None and channel not in CHANNELS:
        problems.add(N_("%(where)s: unknown channel '%(channel)s' (known: %(known)s)"),
                     where=where, channel=channel, known=", ".join(CHANNELS))
    months = raw.get("months")
    if months not in (None, ""):
        try:
            months = int(months)
        except (TypeError, ValueError):
            months = 0
        if cadence != "monthly" or not 1 <= months <= 12:
            problems.add(N_("%(where)s: 'months' (1-12) is only for monthly items"), where=where)
    else:
        months = None
    continues = _keys(raw.get("continues"))
    for other in continues:
        if not _KEY_RE.match(other):
            problems.add(N_("%(where)s: key '%(value)s' must be lower-case words joined by '-'"), where=where, value=other)
    if len(problems.found) > before:
        return None
    return Item(
        edition=edition, code=code.upper(), key=key, name_th=names[0], name_en=names[1],
        category=category, dataset_type=str(dataset_type), cadence=cadence, evidence=evidence, table=table,
        note_th=note[0] if note else None, note_en=note[1] if note else None,
        indicator=str(raw["indicator"]) if raw.get("indicator") not in (None, "") else None,
        confidence=confidence, source=str(raw["source"]) if raw.get("source") else None,
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
            if not str(value).isdigit():
                problems.add(N_("%(where)s: due: '%(key)s' must be a number of days"), where=shown, key=name)
            else:
                due.append((name, int(value)))
        elif not _MONTH_DAY_RE.match(str(value)):
            problems.add(N_("%(where)s: due: '%(key)s' must be a day of the year as MM-DD, e.g. 12-31"),
                         where=shown, key=name)
        else:
            due.append((name, str(value)))
    return tuple(due)


def parse_edition(raw: Any, shown: str, dataset_types: Iterable[str] | None = None,
                  item_where: Callable[[int, str | None], Any] | None = None) -> Edition:
    """Check one edition given as a mapping (the YAML file's shape); raise
    EditionInvalid with every problem. ``item_where(index, code)`` names an item
    in messages (the YAML entry, or the spreadsheet row; ``short=True``: without the file)."""
    problems = _Problems()
    if not isinstance(raw, dict):
        problems.add(N_("%(where)s: an edition file must be a mapping"), where=shown)
        problems.raise_any()
    for required in ("edition", "title", "fiscal_years", "categories", "items"):
        if not raw.get(required):
            problems.add(_MISSING, where=shown, key=required)
    edition = str(raw.get("edition") or "").strip()
    if edition and not edition.isdigit():
        problems.add(N_("%(where)s: edition '%(value)s' must be the Buddhist Era year of its cycle, e.g. 2569"),
                     where=shown, value=edition)
    title = _text(problems, shown, raw["title"], "title") if raw.get("title") else None
    fiscal_years: tuple[int, ...] = ()
    try:
        fiscal_years = tuple(int(y) for y in raw.get("fiscal_years") or ())
    except (TypeError, ValueError):
        problems.add(N_("%(where)s: 'fiscal_years' must be a list of Buddhist Era years"), where=shown)
    if any(not 2400 < y < 2800 for y in fiscal_years):
        problems.add(N_("%(where)s: 'fiscal_years' must be a list of Buddhist Era years"), where=shown)
    confidence = str(raw.get("confidence") or "")
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
        code = str(cat["code"])
        if code in categories:
            problems.add(N_("%(where)s: category code '%(code)s' is used twice"), where=where, code=code)
        names = _text(problems, where, cat.get("name"), "name")
        if names:
            categories[code] = Category(code, *names)

    where_of = item_where or _yaml_where(shown)
    types = set(dataset_types) if dataset_types is not None else None
    # an edition of high confidence has its items confirmed unless an item says otherwise
    default_confidence = "confirmed" if confidence == "high" else "draft"
    items: list[Item] = []
    seen: dict[str, dict[str, int]] = {"code": {}, "key": {}}
    for index, raw_item in enumerate(raw.get("items") or ()):
        code = str(raw_item.get("code") or "").upper() if isinstance(raw_item, dict) else None
        where = where_of(index, code or None)
        key = str(raw_item.get("key") or "").strip() if isinstance(raw_item, dict) else ""
        for label, value in (("code", code), ("key", key)):
            if value and value in seen[label]:
                problems.add(N_("%(where)s: %(key)s '%(value)s' is already used by %(other)s"),
                             where=where, key=label, value=value, other=where_of(seen[label][value], None, short=True))
            if value:
                seen[label].setdefault(value, index)
        item = _read_item(problems, where, edition, raw_item, categories, types, default_confidence)
        if item is None:
            continue
        if item.key in item.continues:
            problems.add(N_("%(where)s: an item cannot continue its own key '%(value)s'"), where=where, value=item.key)
        items.append(item)
    problems.raise_any()
    parsed = Edition(
        edition=edition, title_th=title[0], title_en=title[1], fiscal_years=fiscal_years,
        confidence=confidence, source=str(raw.get("source") or ""),
        categories=tuple(categories.values()), items=tuple(items), path=shown,
        follows=str(raw["follows"]) if raw.get("follows") else None, round_months=round_months, due=due,
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
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise FrameworkError(Message("%(where)s: cannot be read: %(error)s", where=shown, error=str(error))) from error
    return parse_edition(raw, shown, dataset_types)


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
                          item_where: Callable[[int, str | None], Any] | None = None) -> None:
    """A key means the same disclosure in every edition, so it keeps its dataset
    type; a continued key is an item of an earlier edition. ``only`` checks one
    edition against the others (an upload), naming its items by ``item_where``."""
    problems = _Problems()
    first: dict[str, Item] = {}
    for edition in ordered(editions.values()):
        for item in edition.items:
            first.setdefault(item.key, item)
    for edition in ordered(editions.values()):
        if only is not None and edition.edition != only:
            continue
        where_of = item_where if only is not None and item_where else (lambda index, code, e=edition: f"{e.path}: {code}")
        for index, item in enumerate(edition.items):
            earlier = first[item.key]
            if earlier.dataset_type != item.dataset_type:
                problems.add(N_("%(where)s: key '%(key)s' has dataset type '%(type)s', but '%(other)s' in edition %(edition)s"),
                             where=where_of(index, item.code), key=item.key, type=item.dataset_type,
                             other=earlier.dataset_type, edition=earlier.edition)
            for key in item.continues:
                if key not in first:
                    problems.add(N_("%(where)s: continues '%(key)s', which no edition has"), where=where_of(index, item.code),
                                 key=key)
    problems.raise_any()
