"""Extract our msgids and bring the catalogues up to date (`make i18n`).

    .venv/bin/python scripts/i18n.py           extract, update the .po files, compile the .mo
    .venv/bin/python scripts/i18n.py --check   exit 1 when a msgid of ours has no Thai

The .pot is written from the code (Python and templates, babel.cfg). The Thai
.po keeps two kinds of entries: ours (located in ckanext/oit/) follow the .pot,
new ones added empty for a translator, gone ones dropped; and CKAN's own strings
that our catalogue words differently (located in ckan/ or ckanext/<other>/),
which stay as they are.
"""
from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

from babel.messages import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ckanext" / "oit"
I18N = PACKAGE / "i18n"
DOMAIN = "ckanext-oit"
# the callables whose first argument (or first two) is a msgid; see i18n_messages.py
KEYWORDS = {
    "_": None, "N_": None, "gettext": None, "ungettext": (1, 2), "ngettext": (1, 2),
    "Message": None, "UserError": None, "both": None, "count_message": (1, 2),
}
OURS = "ckanext/oit/"


def extract() -> Catalog:
    """Every msgid of ours, from the package's Python files and templates."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping(cfg)
    template = Catalog(project="ckanext-oit", domain=DOMAIN, charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        location = (f"{OURS}{filename}", lineno)
        template.add(message, None, [location], auto_comments=comments, context=context)
    return template


def _read(path: Path) -> Catalog:
    with open(path, "rb") as po:
        return read_po(po, domain=DOMAIN)


def _is_ours(message) -> bool:
    return any(location.startswith(OURS) for location, _line in message.locations)


def update(template: Catalog, lang: str) -> tuple[Catalog, list[str]]:
    """`lang`'s catalogue with our msgids as in `template`; returns it and the dropped msgids."""
    catalogue = _read(I18N / lang / "LC_MESSAGES" / f"{DOMAIN}.po")
    dropped = [m.id for m in catalogue if m.id and _is_ours(m) and m.id not in template]
    for msgid in dropped:
        del catalogue[msgid]
    for message in template:
        if not message.id:
            continue
        found = catalogue.get(message.id, message.context)
        if found is None:
            catalogue.add(message.id, "" if isinstance(message.id, str) else ("",) * len(message.id),
                          message.locations, auto_comments=message.auto_comments, context=message.context)
        else:
            foreign = [loc for loc in found.locations if not loc[0].startswith(OURS)]
            found.locations = foreign + list(message.locations)
    return catalogue, dropped


def untranslated(catalogue: Catalog) -> list[str]:
    """Our msgids that have no translation."""
    missing = []
    for message in catalogue:
        if not message.id or not _is_ours(message):
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def _write(catalogue: Catalog, path: Path) -> None:
    buffer = io.BytesIO()
    # no wrapping and no dates, so an unchanged catalogue writes the same bytes
    write_po(buffer, catalogue, width=0, sort_output=True, omit_header=False, include_previous=False)
    data = buffer.getvalue()
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report msgids without Thai")
    args = parser.parse_args()
    template = extract()
    catalogue, dropped = update(template, "th")
    missing = untranslated(catalogue)
    if args.check:
        for msgid in missing:
            print(f"no Thai for: {msgid!r}")
        return 1 if missing else 0
    template.creation_date = catalogue.creation_date
    _write(template, I18N / f"{DOMAIN}.pot")
    po = I18N / "th" / "LC_MESSAGES" / f"{DOMAIN}.po"
    _write(catalogue, po)
    with open(po.with_suffix(".mo"), "wb") as mo:
        write_mo(mo, _read(po), use_fuzzy=False)
    print(f"{len(template)} msgids of ours; {len(missing)} without Thai; dropped {len(dropped)}")
    for msgid in missing:
        print(f"  no Thai: {msgid!r}")
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
