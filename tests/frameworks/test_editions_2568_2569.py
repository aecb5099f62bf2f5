"""The 2568 and 2569 editions checked, through the API, against the reference
tables they were written from (docs/reference/oit-editions-2568-2569.md, read
at test time: a corrected reference shows where the editions must follow)."""
from __future__ import annotations

import functools
import re

import pytest

import ckan.plugins.toolkit as tk

from support import REPO

REFERENCE = REPO / "docs" / "reference" / "oit-editions-2568-2569.md"
EDITIONS = {"2568": "2567", "2569": "2568"}   # edition -> the one it follows
NOT_FOUND = "(not found)"

pytestmark = pytest.mark.usefixtures("with_plugins")


def _tables(text: str) -> dict[str, list[dict[str, str]]]:
    """The rows of each '## ITA <edition>' table, by column header."""
    tables: dict[str, list[dict[str, str]]] = {}
    edition, header = None, None
    for line in text.splitlines():
        heading = re.match(r"^##\s+ITA\s+(\d{4})\s*$", line)
        if heading:
            edition, header = heading.group(1), None
            tables[edition] = []
            continue
        if line.startswith("## "):
            edition = None
        if edition is None or not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
        elif not set("".join(cells)) <= set("-: "):
            tables[edition].append(dict(zip(header, cells)))
    return tables


@functools.cache
def _reference() -> dict[str, list[dict[str, str]]]:
    # a missing reference fails each test (never a skip): the editions would go unchecked
    if not REFERENCE.is_file():
        pytest.fail(f"the reference the editions are checked against is missing: {REFERENCE}")
    tables = _tables(REFERENCE.read_text(encoding="utf-8"))
    assert set(EDITIONS) <= set(tables), f"{REFERENCE} has no table for ITA {sorted(set(EDITIONS) - set(tables))}"
    assert all(tables[e] for e in EDITIONS)
    return tables


def show(**params):
    return tk.get_action("oit_framework_show")({}, params)


def clean_name(name: str) -> str:
    """The reference's Thai name without editorial remarks: parentheses holding
    English commentary such as '(sic)' or '(rtrda used ...)'. A name's own
    parentheses ('(E-SERVICE)') have no lower-case Latin letters."""
    return re.sub(r"\s+", " ", re.sub(r"\s*\([^()]*[a-z][^()]*\)", "", name)).strip()


def expected_cadence(period: str) -> tuple[str | None, str | None, int | None]:
    """(cadence, evidence, months) the reference's period means; None where it
    says nothing ('?'). An unknown wording fails, so a changed reference is seen."""
    text = re.sub(r"\([^()]*\)", "", period).strip()
    if text.startswith("?"):
        return None, None, None
    if text.startswith("working"):
        return "standing", "channel", None
    if "month" in text:
        first = re.search(r"first (\d+) months", text)
        return "monthly", None, int(first.group(1)) if first else None
    if text.startswith("previous FY"):
        return "previous-year", None, None
    if "current FY" in text:
        return "current-year", None, None
    if text == "standing":
        return "standing", None, None
    raise AssertionError(f"period '{period}' of the reference has no cadence mapping in this test")


def continued_codes(column: str, previous: str) -> list[tuple[str, str, bool]]:
    """(edition, O-code, required) named in a 'continues' cell: a code without
    an edition is of ``previous``; codes in parentheses or followed by '?' are
    uncertain (may be carried on, need not be)."""
    found, edition, depth = [], previous, 0
    for match in re.finditer(r"\(|\)|(?:(\d{4})\s+)?O(\d+)(\??)", column):
        token = match.group(0)
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        else:
            edition = match.group(1) or edition
            doubtful = depth > 0 or bool(match.group(3)) or column[match.end():].lstrip().startswith("?")
            found.append((edition, f"O{match.group(2)}", not doubtful))
    return found


@pytest.mark.parametrize("name", sorted(EDITIONS))
def test_the_edition_applies_to_its_fiscal_year_and_has_every_reference_row_in_order(name):
    reference = _reference()
    edition = show(fiscal_year=int(name))
    assert edition["edition"] == name
    assert edition["fiscal_years"] == [int(name)]
    assert edition["follows"] == EDITIONS[name]
    assert edition["confidence"] == "low"
    assert [i["code"] for i in edition["items"]] == [row["code"] for row in reference[name]]


@pytest.mark.parametrize("name", sorted(EDITIONS))
def test_each_item_has_the_name_cadence_and_confidence_of_its_reference_row(name):
    reference = _reference()
    items = {i["code"]: i for i in show(fiscal_year=int(name))["items"]}
    for row in reference[name]:
        item = items[row["code"]]
        where = f"{name} {row['code']}"
        if row["Thai name"] == NOT_FOUND:
            assert item["placeholder"] is True, where
            assert item["note"] and item["note"]["th"] and item["note"]["en"], f"{where}: says what to complete"
        else:
            assert item["placeholder"] is False, where
            assert item["name"]["th"] == clean_name(row["Thai name"]), where
        cadence, evidence, months = expected_cadence(row["period"])
        if cadence is None:
            assert item["confidence"] == "draft", f"{where}: cadence guessed"
        else:
            assert item["cadence"] == cadence, where
            assert item["months"] == months, where
        if evidence == "channel":
            assert item["evidence"] == "channel" and item["channel"], where
        # only what two independent sources show is confirmed
        assert item["confidence"] == ("confirmed" if row["confidence"] == "Medium" else "draft"), where


@pytest.mark.parametrize("name", sorted(EDITIONS))
def test_items_carry_on_what_the_reference_says_they_continue(name):
    reference = _reference()
    previous = EDITIONS[name]
    items = {i["code"]: i for i in show(fiscal_year=int(name))["items"]}
    editions = {e: {i["code"]: i for i in show(edition=e)["items"]} for e in ("2565", "2567", "2568", "2569")}
    keys_of = {e: {i["key"] for i in by_code.values()} for e, by_code in editions.items()}
    for row in reference[name]:
        item, where = items[row["code"]], f"{name} {row['code']}"
        named = continued_codes(row["continues (previous edition)"], previous)
        carried = {item["key"], *item["continues"]}
        for edition, code, required in named:
            if required:
                assert editions[edition][code]["key"] in carried, f"{where} continues {edition} {code}"
        older = {e for e, _, _ in named if e != previous}
        # an item that brings back something not in the previous edition says so in the reference
        returning = bool(older) or bool(re.search(r"\(\+\s*[^O\s]", row["continues (previous edition)"]))
        assert item["key"] not in item["continues"], where
        for key in item["continues"]:
            if key in keys_of[previous]:
                continue
            assert returning, f"{where}: continues '{key}', which edition {previous} does not have"
            assert any(key in keys_of[e] for e in ("2565", "2567") if e < name), f"{where}: '{key}' is in no earlier edition"


def test_a_key_means_the_same_disclosure_in_both_editions():
    """A key kept from one edition to the next is the same disclosure: the
    reference row of the later item continues the earlier one."""
    reference = _reference()
    by_key = {e: {i["key"]: i for i in show(edition=e)["items"]} for e in ("2567", "2568", "2569")}
    for name, previous in EDITIONS.items():
        rows = {row["code"]: row for row in reference[name]}
        for key, item in by_key[name].items():
            if key in by_key[previous]:
                named = continued_codes(rows[item["code"]]["continues (previous edition)"], previous)
                assert any(e == previous and c == by_key[previous][key]["code"] for e, c, _ in named), \
                    f"{name} {item['code']} keeps key '{key}' of {previous} {by_key[previous][key]['code']}"
                assert item["dataset_type"] == by_key[previous][key]["dataset_type"]


def test_the_procurement_items_follow_the_reference():
    o12 = next(i for i in show(fiscal_year=2568)["items"] if i["code"] == "O12")
    assert (o12["key"], o12["dataset_type"], o12["evidence"], o12["table"]) == (
        "procurement-list", "oit-procurement", "records", "procurement-list")
    assert "ไม่มีการจัดซื้อจัดจ้าง" in o12["note"]["th"] and "16" in o12["note"]["th"]
    o11 = next(i for i in show(fiscal_year=2569)["items"] if i["code"] == "O11")
    assert (o11["key"], o11["table"], o11["cadence"], o11["months"], o11["continues"]) == (
        "procurement-monthly-summary", "procurement-monthly-summary", "monthly", None, ["procurement-list"])
