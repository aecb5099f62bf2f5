"""The OIT framework editions as data: the item lists, the API, start-up checks
(reading the files alone: tests/unit/frameworks)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.oit import frameworks

SEED_CATEGORIES = [f"1.{n}" for n in range(1, 15)]

pytestmark = pytest.mark.usefixtures("with_plugins")


def show(**params):
    return tk.get_action("oit_framework_show")({}, params)


def test_fiscal_year_2565_gives_the_seeds_43_items_in_its_14_categories():
    edition = show(fiscal_year="2565")
    assert edition["edition"] == "2565"
    assert [i["code"] for i in edition["items"]] == [f"O{n}" for n in range(1, 44)]
    assert [c["code"] for c in edition["categories"]] == SEED_CATEGORIES
    by_code = {i["code"]: i for i in edition["items"]}
    assert by_code["O7"]["category"] is None  # news: outside the seed's categories
    assert all(i["category"] in SEED_CATEGORIES for c, i in by_code.items() if c != "O7")
    assert {i["category"] for i in edition["items"]} - {None} == set(SEED_CATEGORIES)
    assert by_code["O42"]["name"]["th"].startswith("มาตรการส่งเสริมคุณธรรม")


def test_every_item_has_a_dataset_type_that_scheming_lists():
    schema_types = set(tk.get_action("scheming_dataset_schema_list")({}, {}))
    for name in ("2565", "2567"):
        items = show(edition=name)["items"]
        assert items and {i["dataset_type"] for i in items} <= schema_types
        for item in items:
            assert item["name"]["th"] and item["name"]["en"]
            assert item["cadence"] in frameworks.CADENCES
            assert item["evidence"] in frameworks.EVIDENCE_KINDS


def test_the_2567_edition_has_its_own_43_items():
    edition = show(edition="2567")
    assert len(edition["items"]) == 43
    assert edition["fiscal_years"] == [2566, 2567]
    assert show(fiscal_year=2567)["edition"] == "2567"
    # renumbered: the monthly procurement summary keeps its key, not its code
    codes = {e: {i["key"]: i["code"] for i in show(edition=e)["items"]} for e in ("2565", "2567")}
    assert codes["2565"]["procurement-monthly-summary"] != codes["2567"]["procurement-monthly-summary"]


def test_framework_list_names_the_editions_oldest_first():
    editions = tk.get_action("oit_framework_list")({}, {})
    assert [e["edition"] for e in editions] == ["2565", "2567", "2568", "2569"]
    assert [e["item_count"] for e in editions] == [43, 43, 26, 26]
    assert all(e["origin"] == "package" for e in editions)


def test_anonymous_users_may_read_the_frameworks(app):
    listed = app.get("/api/3/action/oit_framework_list").json
    assert listed["success"] and len(listed["result"]) == 4
    shown = app.get("/api/3/action/oit_framework_show", query_string={"fiscal_year": "๒๕๖๕"}).json
    assert shown["success"] and shown["result"]["edition"] == "2565"


def test_later_fiscal_years_use_the_newest_edition_unless_configured():
    assert show(fiscal_year=2568)["edition"] == "2568" and show(fiscal_year=2568)["provisional"] is False
    assert show(fiscal_year=2570)["edition"] == "2569" and show(fiscal_year=2570)["provisional"] is True
    assert show(fiscal_year=2563)["edition"] == "2565"


@pytest.mark.ckan_config("ckanext.oit.edition_by_fiscal_year", "2566:2565")
def test_a_fiscal_year_can_be_mapped_to_an_edition():
    assert show(fiscal_year=2566)["edition"] == "2565"


def test_framework_show_needs_an_edition_or_a_fiscal_year():
    with pytest.raises(tk.ValidationError) as failure:
        show()
    assert "edition" in failure.value.error_dict
    with pytest.raises(tk.ValidationError) as failure:
        show(fiscal_year="2024")
    assert "ค.ศ." in failure.value.error_dict["fiscal_year"][0]
    with pytest.raises(tk.ObjectNotFound):
        show(edition="2499")


@pytest.fixture
def configure_oit(ckan_config, monkeypatch):
    """Configure the plugin again, as CKAN does at start-up, with other options."""
    plugin = p.get_plugin("oit")

    def configure(**options):
        for key, value in options.items():
            monkeypatch.setitem(ckan_config, key, value)
        plugin.configure(ckan_config)

    yield configure
    monkeypatch.undo()
    plugin.configure(ckan_config)


def test_an_item_name_corrected_in_the_file_shows_in_the_api(edition_copy, configure_oit):
    path = edition_copy / "2565.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["items"][0]["name"]["th"] = "แผนผังโครงสร้างหน่วยงาน (แก้ไขแล้ว)"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    configure_oit(**{"ckanext.oit.frameworks_dir": str(edition_copy)})
    assert show(edition="2565")["items"][0]["name"]["th"] == "แผนผังโครงสร้างหน่วยงาน (แก้ไขแล้ว)"


def test_a_broken_edition_stops_ckan_at_start_up(edition_copy, tmp_path, ckan_config):
    path = edition_copy / "2567.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["items"][20]["evidence"] = "rumour"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    ini = tmp_path / "broken.ini"
    ini.write_text(Path(ckan_config["__file__"]).read_text().replace(
        "[app:main]\n", f"[app:main]\nckanext.oit.frameworks_dir = {edition_copy}\n", 1))
    ckan = Path(sys.executable).with_name("ckan")
    result = subprocess.run([str(ckan), "-c", str(ini), "oit", "--help"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert f"{path}: items[20] (O21): unknown evidence kind 'rumour'" in result.stderr + result.stdout
