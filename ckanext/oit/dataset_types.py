"""The OIT dataset types (scheming schemas in schemas/datasets/) and the
start-up check that each has the common fields of schemas/presets.yaml."""
from __future__ import annotations

from pathlib import Path

import yaml

from ckanext.oit.frameworks import FrameworkError

PRESETS = Path(__file__).resolve().parent / "schemas" / "presets.yaml"
TYPE_PREFIX = "oit-"


def common_fields() -> list[str]:
    return list(yaml.safe_load(PRESETS.read_text(encoding="utf-8"))["oit_common_fields"])


def scheming_schemas() -> dict[str, dict]:
    # Called while plugins are configured, before the action registry exists.
    from ckanext.scheming.helpers import scheming_dataset_schemas

    schemas = scheming_dataset_schemas(expanded=False)
    if schemas is None:
        raise FrameworkError("the scheming_datasets plugin must be enabled with oit")
    return schemas


def registered() -> list[str]:
    """The dataset types this portal accepts: the OIT schemas scheming has loaded."""
    return sorted(t for t in scheming_schemas() if t.startswith(TYPE_PREFIX))


def check(schemas: dict[str, dict]) -> list[str]:
    """The OIT types among ``schemas``; FrameworkError if one lacks a common field."""
    wanted = common_fields()
    oit_types = sorted(t for t in schemas if t.startswith(TYPE_PREFIX))
    if not oit_types:
        raise FrameworkError(
            "no OIT dataset schema is loaded: set scheming.dataset_schemas to the files of "
            "ckanext.oit:schemas/datasets/ (see config/ckan.ini.in)")
    for dataset_type in oit_types:
        have = [f["field_name"] for f in schemas[dataset_type]["dataset_fields"]]
        absent = [f for f in wanted if f not in have]
        if absent:
            raise FrameworkError(
                f"dataset schema {dataset_type}: the common field(s) {', '.join(absent)} "
                f"of schemas/presets.yaml are missing")
    return oit_types
