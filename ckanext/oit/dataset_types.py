"""The OIT dataset types (scheming schemas in schemas/datasets/) and the
start-up check that each has the common fields of schemas/presets.yaml."""
from __future__ import annotations

from pathlib import Path

import yaml

from ckanext.oit.frameworks import FrameworkError
from ckanext.oit.i18n_messages import Message

PRESETS = Path(__file__).resolve().parent / "schemas" / "presets.yaml"
TYPE_PREFIX = "oit-"


def is_oit_type(dataset_type: object) -> bool:
    """Whether a dataset type is one of ours: the one test of it, for the whole extension."""
    return str(dataset_type or "").startswith(TYPE_PREFIX)


def common_fields() -> list[str]:
    return list(yaml.safe_load(PRESETS.read_text(encoding="utf-8"))["oit_common_fields"])


def scheming_schemas() -> dict[str, dict]:
    # Called while plugins are configured, before the action registry exists.
    from ckanext.scheming.helpers import scheming_dataset_schemas

    schemas = scheming_dataset_schemas(expanded=False)
    if schemas is None:
        raise FrameworkError(Message("The scheming_datasets plugin must be enabled with oit"))
    return schemas


def registered() -> list[str]:
    """The dataset types this portal accepts: the OIT schemas scheming has loaded."""
    return sorted(t for t in scheming_schemas() if is_oit_type(t))


def check(schemas: dict[str, dict]) -> list[str]:
    """The OIT types among ``schemas``; FrameworkError if one lacks a common field."""
    wanted = common_fields()
    oit_types = sorted(t for t in schemas if is_oit_type(t))
    if not oit_types:
        raise FrameworkError(Message(
            "No OIT dataset schema is loaded: set scheming.dataset_schemas to the files of "
            "ckanext.oit:schemas/datasets/ (see config/ckan.ini.in)"))
    for dataset_type in oit_types:
        have = [f["field_name"] for f in schemas[dataset_type]["dataset_fields"]]
        absent = [f for f in wanted if f not in have]
        if absent:
            raise FrameworkError(Message(
                "Dataset schema %(type)s: the common fields %(fields)s of schemas/presets.yaml are missing",
                type=dataset_type, fields=", ".join(absent)))
    return oit_types
