"""The catalogue files alone (no CKAN): the compiled .mo matches its .po, every Thai
translation keeps its placeholders and every msgid of ours has one, every OIT dataset type has its
Thai and English names, no template of ours holds Thai."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from support import REPO

CATALOGUES = REPO / "ckanext" / "oit" / "i18n"
TEMPLATES = REPO / "ckanext" / "oit" / "templates"
THAI_PO = CATALOGUES / "th" / "LC_MESSAGES" / "ckanext-oit.po"
THAI = re.compile("[\u0e00-\u0e7f]")


def _catalogue(path: Path) -> dict:
    with path.open("rb") as f:
        catalog = read_mo(f) if path.suffix == ".mo" else read_po(f)
    messages = {m.id if isinstance(m.id, str) else tuple(m.id):
                m.string if isinstance(m.string, str) else tuple(m.string) for m in catalog if m.id}
    return {"plural-forms": catalog.plural_forms, **messages}


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_compiled_catalogue_matches_its_source(lang):
    po = CATALOGUES / lang / "LC_MESSAGES" / "ckanext-oit.po"
    assert _catalogue(po.with_suffix(".mo")) == _catalogue(po), \
        f"{po.with_suffix('.mo')} is stale: run scripts/config.sh (pybabel compile)"


def test_every_thai_translation_keeps_its_placeholders():
    placeholder = re.compile(r"\{[a-z_0-9]*\}|%\([a-z_]+\)[sd]|%[sdi]")
    with (CATALOGUES / "th" / "LC_MESSAGES" / "ckanext-oit.po").open("rb") as f:
        catalog = read_po(f)
    assert catalog.plural_expr == "0"  # Thai has one form; a catalogue without it breaks CKAN's plurals
    for message in catalog:
        if not message.id:
            continue
        source = message.id[-1] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {message.id!r}"
        if isinstance(message.id, tuple) and not placeholder.findall(message.id[0]):
            continue  # "at least one character": the Thai form need not print the number
        for text in strings:
            # Thai may leave a detail out (a พ.ศ. date has its year; a library's English note),
            # never use a name the msgid does not have: formatting would fail at run time
            assert set(placeholder.findall(text)) <= set(placeholder.findall(source)), message.id


def test_every_oit_dataset_type_has_thai_and_english_names():
    th = _catalogue(CATALOGUES / "th" / "LC_MESSAGES" / "ckanext-oit.po")
    en = _catalogue(CATALOGUES / "en" / "LC_MESSAGES" / "ckanext-oit.po")
    for path in sorted((REPO / "ckanext" / "oit" / "schemas" / "datasets").glob("*.yaml")):
        schema = yaml.safe_load(path.read_text())
        title = schema["dataset_type"].title()
        for msgid in (title, title + "s"):
            assert th.get(msgid) == "ชุดข้อมูล" + schema["oit_label"]["th"], msgid
            assert en.get(msgid) == schema["oit_label"]["en"] + " datasets", msgid


def test_every_msgid_of_ours_has_thai():
    with THAI_PO.open("rb") as f:
        catalog = read_po(f)
    ours = [m for m in catalog if m.id and any(path.startswith("ckanext/oit/") for path, _ in m.locations)]
    assert ours, "the catalogue has our msgids"
    untranslated = [m.id for m in ours
                    if not all(m.string if isinstance(m.string, tuple) else (m.string,))]
    assert untranslated == []


def test_no_template_of_ours_holds_thai():
    # the Thai is in the catalogue; data ({th, en} labels) comes from the data
    found = [f"{path.relative_to(REPO)}:{number}"
             for path in sorted(TEMPLATES.rglob("*")) if path.is_file()
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if THAI.search(line)]
    assert found == []
