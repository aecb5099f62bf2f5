#!/usr/bin/env python3
"""Write the Solr schema of a ckanext-oit CKAN core.

    make_schema.py [--stock | --bench] [--source SCHEMA] OUTDIR

Reads the schema.xml that ships with the installed ``ckan`` package
(``ckan/config/solr/schema.xml``) and writes to OUTDIR:

* ``schema.xml``: with ``--stock`` CKAN's schema byte for byte (the baseline
  core of the search benchmark); by default CKAN's schema plus Thai search:
  field types ``text_th`` (Thai words) and ``text_bg`` (character bigrams),
  each with a field ``title_<x>`` (the title) and ``text_<x>`` (catch-all),
  and copyFields into them from the text fields that hold Thai; ``--bench``
  adds the analyses that are measured but not shipped (``text_icu``), for
  the core ``ckan-bench`` of bench/search_quality.py;
* every word list the schema refers to (``synonyms.txt``, ``protwords.txt``,
  ...), as a list of our own with no entries.

Files are written only when their content changes, and the name of each
written file is printed on stdout (scripts/solr.sh wipes a core's index when
its schema.xml changed). The schema's name (``ckan-2.11``) is kept as it is:
CKAN refuses to work with a schema of another name.

Standard library only; run it with the Python that has CKAN installed.
"""

import argparse
import importlib.util
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

# Text fields of CKAN's index that carry Thai prose or labels. CKAN's own
# catch-all "text" gets these too, but splits them on whitespace only, and a
# Thai sentence has no spaces between its words. Not copied: identifiers
# (name, url, license, organization and groups, which CKAN indexes by their
# URL names) and e-mail addresses.
TEXT_TH_SOURCES = (
    "title",
    "notes",
    "tags",
    "vocab_*",
    "extras_*",
    "res_name",
    "res_description",
    "res_extras_*",
    "author",
    "maintainer",
)

# Thai analyses. Each is a field type plus two fields of that type filled by
# copyFields: title_<suffix> (the title alone, boosted like "title") and
# text_<suffix> (a catch-all of TEXT_TH_SOURCES). SHIPPED go into every core;
# the others only into the benchmark core (--bench), so bench/search_quality.py
# can compare them over one index by changing qf. autoGeneratePhraseQueries:
# a query word that splits into several tokens must match them next to each
# other, in order (a phrase), not anywhere in the text.
ANALYSES = {
    # ThaiTokenizer: the JDK's dictionary BreakIterator. Precise word units,
    # but a dictionary compound is one token: "ปีงบประมาณ" never yields
    # "งบประมาณ", so the word inside it is not found.
    "th": """
    <!-- ckanext-oit: Thai words (JDK dictionary segmentation) -->
    <fieldType name="text_th" class="solr.TextField" positionIncrementGap="100"
               autoGeneratePhraseQueries="true">
      <analyzer>
        <tokenizer class="solr.ThaiTokenizerFactory"/>
        <filter class="solr.LowerCaseFilterFactory"/>
      </analyzer>
    </fieldType>
""",
    # Character bigrams: "งบประมาณ" is the phrase งบ บป ปร ... ณ, so a query
    # matches wherever its characters stand in that order, inside a compound
    # too. Core Lucene only (no module needed on a stock Solr 9). Runs of
    # white space count as one space, so copied text with double spaces still
    # matches a query typed with one.
    "bg": """
    <!-- ckanext-oit: character bigrams, a query word is a phrase of them (a substring) -->
    <fieldType name="text_bg" class="solr.TextField" positionIncrementGap="100"
               autoGeneratePhraseQueries="true">
      <analyzer>
        <charFilter class="solr.PatternReplaceCharFilterFactory" pattern="\\s+" replacement=" "/>
        <tokenizer class="solr.NGramTokenizerFactory" minGramSize="2" maxGramSize="2"/>
        <filter class="solr.LowerCaseFilterFactory"/>
      </analyzer>
    </fieldType>
""",
    # ICU's dictionary segmentation (lucene-analysis-icu, scripts/solr/pom.xml).
    "icu": """
    <!-- ckanext-oit: Thai words (ICU dictionary segmentation), for the benchmark -->
    <fieldType name="text_icu" class="solr.TextField" positionIncrementGap="100"
               autoGeneratePhraseQueries="true">
      <analyzer>
        <tokenizer class="solr.ICUTokenizerFactory"/>
        <filter class="solr.LowerCaseFilterFactory"/>
      </analyzer>
    </fieldType>
""",
}
SHIPPED = ("th", "bg")


def additions(suffixes):
    """The field types, fields and copyFields of the given analyses."""
    types = "".join(ANALYSES[s] for s in suffixes)
    fields = "\n    <!-- ckanext-oit: Thai search fields (copyFields below) -->\n" + "".join(
        f'    <field name="title_{s}" type="text_{s}" indexed="true" stored="false"/>\n'
        f'    <field name="text_{s}" type="text_{s}" indexed="true" stored="false" '
        f'multiValued="true"/>\n'
        for s in suffixes
    )
    copies = "\n<!-- ckanext-oit: Thai analyses of the text fields -->\n" + "".join(
        f'<copyField source="title" dest="title_{s}"/>\n'
        + "".join(f'<copyField source="{src}" dest="text_{s}"/>\n' for src in TEXT_TH_SOURCES)
        for s in suffixes
    )
    return types, fields, copies


# Attributes of analysis factories that name a word list in the conf dir.
WORD_LIST_RE = re.compile(
    r'\b(?:synonyms|protected|words|dictionary|mapping|protectedWords)="([^"]+)"'
)

WORD_LIST_HEADER = """\
# {name} for the CKAN cores of ckanext-oit, written by config/solr/make_schema.py.
# CKAN's schema.xml refers to this list; ckanext-oit has no entries for it yet.
# Add them in make_schema.py (this copy is rewritten on every Solr start).
"""


def ckan_schema_path():
    spec = importlib.util.find_spec("ckan")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("make_schema.py: the ckan package is not installed for " + sys.executable)
    path = Path(list(spec.submodule_search_locations)[0]) / "config" / "solr" / "schema.xml"
    if not path.is_file():
        sys.exit(f"make_schema.py: {path} does not exist")
    return path


def insert_before(text, anchor, addition):
    """Insert addition before the single line that is exactly anchor."""
    pattern = re.compile(r"^[ \t]*" + re.escape(anchor) + r"[ \t]*$", re.MULTILINE)
    matches = list(pattern.finditer(text))
    if len(matches) != 1:
        sys.exit(f"make_schema.py: expected one line {anchor!r} in CKAN's schema, "
                 f"found {len(matches)}; the generator needs updating")
    at = matches[0].start()
    return text[:at] + addition.lstrip("\n") + "\n" + text[at:]


def add_thai(stock, source_label, suffixes):
    defined = re.findall(r'name="((?:text|title)_(?:%s))"' % "|".join(suffixes), stock)
    if defined:
        sys.exit(f"make_schema.py: CKAN's schema already defines {defined}; "
                 "the generator needs updating")
    types, fields, copies = additions(suffixes)
    text = insert_before(stock, "</types>", types)
    text = insert_before(text, "</fields>", fields)
    text = insert_before(text, "</schema>", copies)
    names = ", ".join(f"title_{s} text_{s}" for s in suffixes)
    note = (f"<!-- Generated by ckanext-oit config/solr/make_schema.py from "
            f"{source_label}: CKAN's schema plus the Thai fields {names}. "
            f"Do not edit this copy. -->\n")
    decl = re.match(r"<\?xml[^>]*\?>\n", text)
    at = decl.end() if decl else 0
    return text[:at] + note + text[at:]


def check(text, stock_name):
    """Parse the result and check what CKAN and Solr rely on."""
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as e:
        sys.exit(f"make_schema.py: the written schema is not well-formed XML: {e}")
    if root.tag != "schema" or root.get("name") != stock_name:
        sys.exit(f"make_schema.py: schema name changed from {stock_name!r} "
                 f"to {root.get('name')!r}")
    types = {t.get("name") for t in root.iter() if t.tag.lower() == "fieldtype"}
    fields = {f.get("name"): f.get("type") for f in root.iter("field")}
    dynamic = {f.get("name") for f in root.iter("dynamicField")}
    for name, ftype in fields.items():
        if ftype not in types:
            sys.exit(f"make_schema.py: field {name} has unknown type {ftype}")
    for cf in root.iter("copyField"):
        src, dest = cf.get("source"), cf.get("dest")
        if dest not in fields:
            sys.exit(f"make_schema.py: copyField into unknown field {dest}")
        if src not in fields and src not in dynamic:
            sys.exit(f"make_schema.py: copyField from unknown field {src}")


def write_if_changed(path, content, written):
    data = content.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    written.append(path.name)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path, help="the core's conf directory")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--stock", action="store_true",
                      help="write CKAN's schema unchanged")
    mode.add_argument("--bench", action="store_true",
                      help="add every Thai analysis, also those not shipped")
    parser.add_argument("--source", type=Path,
                        help="schema.xml to start from (default: the installed ckan's)")
    args = parser.parse_args(argv)

    if args.source:
        source = args.source
        label = str(source)
    else:
        source = ckan_schema_path()
        # no version number here: a CKAN upgrade that keeps the schema must
        # not change this file (a changed schema.xml wipes the core's index)
        label = "the installed ckan's ckan/config/solr/schema.xml"
    stock = source.read_text(encoding="utf-8")
    name = re.search(r'<schema\s+name="([^"]*)"', stock)
    if not name:
        sys.exit(f"make_schema.py: no <schema name=...> in {source}")
    check(stock, name.group(1))

    if args.stock:
        schema = stock
    else:
        schema = add_thai(stock, label, tuple(ANALYSES) if args.bench else SHIPPED)
    check(schema, name.group(1))

    args.outdir.mkdir(parents=True, exist_ok=True)
    written = []
    write_if_changed(args.outdir / "schema.xml", schema, written)
    for word_list in sorted(set(WORD_LIST_RE.findall(schema))):
        if "/" in word_list or "," in word_list:
            sys.exit(f"make_schema.py: unexpected word list {word_list!r}")
        write_if_changed(args.outdir / word_list,
                         WORD_LIST_HEADER.format(name=word_list), written)
    for name_written in written:
        print(name_written)


if __name__ == "__main__":
    main()
