"""mkdocs hook: the configuration page is written from ckanext/oit/config_declaration.yaml
at build time, so the site never lists an option the code does not declare."""
from __future__ import annotations

from pathlib import Path

import yaml

DECLARATION = Path(__file__).resolve().parents[1] / "ckanext" / "oit" / "config_declaration.yaml"
MARKER = "<!-- options -->"


def _cell(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def options_table() -> str:
    declaration = yaml.safe_load(DECLARATION.read_text(encoding="utf-8"))
    rows = ["| option | default | description |", "|---|---|---|"]
    for group in declaration["groups"]:
        for option in group["options"]:
            default = option.get("default", "")
            rows.append(f"| `{option['key']}` | `{_cell(default)}` | {_cell(option.get('description', ''))} |"
                        if default != "" else
                        f"| `{option['key']}` | | {_cell(option.get('description', ''))} |")
    return "\n".join(rows)


def on_page_markdown(markdown: str, page, config, files) -> str:  # noqa: ARG001 (mkdocs' signature)
    return markdown.replace(MARKER, options_table()) if MARKER in markdown else markdown
