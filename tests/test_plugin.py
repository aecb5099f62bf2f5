"""The plugin loads with CKAN and scheming, and declares its options."""
from __future__ import annotations

import pytest

import ckan
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_command

pytestmark = pytest.mark.usefixtures("with_plugins")


def test_plugins_are_loaded():
    assert p.plugin_loaded("oit")
    assert p.plugin_loaded("scheming_datasets")


def test_status_show_lists_oit_and_scheming(app):
    result = app.get("/api/3/action/status_show").json["result"]
    assert {"oit", "scheming_datasets"} <= set(result["extensions"])
    # the version the venv pins (requirements.txt, requirements-ckan2.12.txt)
    assert result["ckan_version"] == ckan.__version__
    assert ckan.__version__ in ("2.11.6", "2.12.0")


def test_search_fields_option_is_declared():
    qf = tk.config.get("ckanext.oit.search.qf")
    assert "text_th" in qf.split()
    assert "title_th^4" in qf.split()


def test_ckan_oit_command_is_registered(cli):
    result = cli.invoke(ckan_command, ["oit", "--help"])
    assert result.exit_code == 0, result.output
    assert {"audit", "channels", "policy", "remind", "worker"} <= set(result.output.split())
    assert "demo" not in result.output  # the demo agency is the dev-only oit_demo plugin's
