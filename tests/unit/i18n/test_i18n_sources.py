"""Our words live in the catalogue, not in the code: no Thai literal in a module or template of
the package, and every msgid extracted from them (`make i18n`) has its Thai translation."""
from __future__ import annotations

import importlib.util
import re

from support import REPO

PACKAGE = REPO / "ckanext" / "oit"
THAI = re.compile("[\u0e00-\u0e7f]")


def _i18n_script():
    spec = importlib.util.spec_from_file_location("oit_i18n_script", REPO / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_module_or_template_of_ours_holds_thai():
    found = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()[:60]}"
        for path in sorted(PACKAGE.rglob("*")) if path.suffix in (".py", ".html", ".txt")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        # a migration is history: what it created is in databases already, whatever its file says
        if THAI.search(line) and "/migration/" not in str(path)
    ]
    assert found == []


def test_every_msgid_of_ours_has_a_thai_translation():
    script = _i18n_script()
    template = script.extract()
    assert len(template) > 500  # the templates' and the modules' strings were found
    catalogue, _dropped = script.update(template, "th")
    assert script.untranslated(catalogue) == []


def test_the_committed_template_lists_every_msgid_of_the_code():
    script = _i18n_script()
    with open(PACKAGE / "i18n" / "ckanext-oit.pot", "rb") as pot:
        from babel.messages.pofile import read_po
        committed = {m.id for m in read_po(pot) if m.id}
    assert {m.id for m in script.extract() if m.id} == committed  # run `make i18n`


def test_no_error_of_ours_is_given_a_string_babel_cannot_see():
    """Babel finds msgids as the first argument of `UserError` or `Message`; a subclass of
    UserError given a literal would keep its words out of the catalogue."""
    import ast

    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in PACKAGE.rglob("*.py")}
    errors, grew = {"UserError"}, True
    while grew:  # subclasses of subclasses too
        found = {node.name for tree in trees.values() for node in ast.walk(tree)
                 if isinstance(node, ast.ClassDef)
                 and any(getattr(base, "id", getattr(base, "attr", None)) in errors for base in node.bases)}
        grew, errors = not found <= errors, errors | found
    literal = [
        f"{path.relative_to(REPO)}:{node.lineno}"
        for path, tree in trees.items() for node in ast.walk(tree)
        if isinstance(node, ast.Call) and node.args
        and getattr(node.func, "id", getattr(node.func, "attr", None)) in errors - {"UserError"}
        and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
        and " " in node.args[0].value  # a sentence, not a code such as LimitError("rows")
    ]
    assert len(errors) > 3 and literal == []
