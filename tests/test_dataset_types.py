"""Every OIT dataset type: valid datasets through the API, and the errors."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.oit import frameworks

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

TYPES = ["oit-organization", "oit-operation", "oit-budget", "oit-procurement",
         "oit-hr", "oit-complaint", "oit-integrity"]
FISCAL_YEAR = 2569
ROUND_FISCAL_YEAR = 2567      # the 2569 list has no monitoring-round items; the 2567 list serves 2566-2567


@pytest.fixture
def editor():
    return factories.User()


@pytest.fixture
def org(editor):
    return factories.Organization(name="sample-office", users=[{"name": editor["name"], "capacity": "editor"}])


def call(action, user, **data):
    return tk.get_action(action)({"user": user["name"], "ignore_auth": False}, data)


def first_item(dataset_type, cadences=None, fiscal_year=FISCAL_YEAR):
    edition = frameworks.edition_for(fiscal_year)
    return next(i for i in edition.items
                if i.dataset_type == dataset_type and (cadences is None or i.cadence in cadences))


def valid_data(dataset_type, org, item=None, **extra):
    item = item or first_item(dataset_type)
    data = {"type": dataset_type, "owner_org": org["id"], "item_key": item.key,
            "fiscal_year": str(FISCAL_YEAR)}
    if item.cadence == "monthly":
        data["period"] = "ต.ค. 2568"
    elif item.cadence == "round":
        data["period"] = "1"
    if item.evidence == "channel":
        data["channel_url"] = "https://example.go.th/channel"
    data.update(extra)
    return data


def errors_of(action, user, **data):
    with pytest.raises(tk.ValidationError) as failure:
        call(action, user, **data)
    return failure.value.error_dict


def test_every_type_has_items_in_the_current_edition():
    for dataset_type in TYPES:
        assert first_item(dataset_type).dataset_type == dataset_type


@pytest.mark.parametrize("dataset_type", TYPES)
def test_a_valid_dataset_is_created_and_read_back(dataset_type, editor, org):
    item = first_item(dataset_type)
    created = call("package_create", editor, **valid_data(dataset_type, org, item, notes="ทดสอบ"))
    shown = call("package_show", editor, id=created["id"])
    assert shown["type"] == dataset_type
    assert shown["item_key"] == item.key
    assert shown["fiscal_year"] == "2569"
    assert shown["notes"] == "ทดสอบ"
    assert shown["name"].startswith(f"sample-office-2569-{item.key}")
    assert item.name_th in shown["title"] and "2569" in shown["title"]
    # GD Catalog fields, prefilled for an OIT disclosure
    assert shown["data_category"] == "ข้อมูลสาธารณะ"
    assert shown["license_id"] == "Open Data Common"
    assert shown["data_language"] == ["ไทย"]
    assert shown["data_source"] == org["title"]
    assert shown["update_frequency_unit"] in ("ปี", "เดือน")
    assert shown["oit_status"] == "draft"


@pytest.mark.parametrize("dataset_type", TYPES)
def test_an_item_of_another_type_is_refused(dataset_type, editor, org):
    other = first_item(next(t for t in TYPES if t != dataset_type))
    errors = errors_of("package_create", editor, **valid_data(dataset_type, org, item_key=other.key))
    assert f"belongs to dataset type {other.dataset_type}, not {dataset_type}" in errors["item_key"][0]
    assert "เป็นข้อมูลประเภท" in errors["item_key"][0]


@pytest.mark.parametrize("dataset_type", TYPES)
@pytest.mark.parametrize("year, th, en", [
    ("2024", "ค.ศ.", "2567"),          # a CE year: the error says so, with its BE year
    ("2700", "อยู่นอกช่วง", "outside the accepted range"),
])
def test_a_fiscal_year_that_is_not_a_sane_be_year_is_refused(dataset_type, editor, org, year, th, en):
    errors = errors_of("package_create", editor, **valid_data(dataset_type, org, fiscal_year=year))
    assert list(errors) == ["fiscal_year"]
    assert th in errors["fiscal_year"][0] and en in errors["fiscal_year"][0]
    assert "ปีงบประมาณ" in errors["fiscal_year"][0] and "iscal year" in errors["fiscal_year"][0]


@pytest.mark.parametrize("dataset_type", TYPES)
def test_a_second_dataset_for_the_same_disclosure_is_refused(dataset_type, editor, org):
    first = call("package_create", editor, **valid_data(dataset_type, org))
    # another name and title do not make it another disclosure
    errors = errors_of("package_create", editor, **valid_data(
        dataset_type, org, name="another-name", title="อีกชื่อหนึ่ง"))
    assert first["name"] in errors["item_key"][0]
    assert "already has a dataset" in errors["item_key"][0]
    # nor does the generated name hide it behind "URL in use"
    errors = errors_of("package_create", editor, **valid_data(dataset_type, org))
    assert first["name"] in errors["item_key"][0] and "name" not in errors
    # updating the dataset itself is no clash
    call("package_patch", editor, id=first["id"], notes="แก้ไข")


def test_monthly_items_need_a_month_inside_their_fiscal_year(editor, org):
    monthly = first_item("oit-procurement", {"monthly"})
    errors = errors_of("package_create", editor, **valid_data("oit-procurement", org, monthly, period=""))
    assert "ต้องระบุเดือน" in errors["period"][0] and "give its month" in errors["period"][0]
    errors = errors_of("package_create", editor, **valid_data("oit-procurement", org, monthly, period="ต.ค. 2567"))
    assert "ไม่อยู่ในปีงบประมาณ 2569" in errors["period"][0] and "not in fiscal year 2569" in errors["period"][0]
    created = call("package_create", editor, **valid_data("oit-procurement", org, monthly, period="๐๙/๒๕๖๙"))
    assert created["period"] == "2026-09"
    assert created["name"].endswith("-2026-09")
    assert "กันยายน 2569" in created["title"]


def test_round_reports_need_an_existing_round(editor, org):
    round_item = first_item("oit-budget", {"round"}, fiscal_year=ROUND_FISCAL_YEAR)
    assert (round_item.edition, round_item.key) == ("2567", "operation-budget-round-report")
    year = str(ROUND_FISCAL_YEAR)
    errors = errors_of("package_create", editor, **valid_data("oit-budget", org, round_item, fiscal_year=year,
                                                              period=""))
    assert "ต้องระบุรอบ" in errors["period"][0]
    errors = errors_of("package_create", editor, **valid_data("oit-budget", org, round_item, fiscal_year=year,
                                                              period="3"))
    assert "period" in errors  # 5-month rounds: only rounds 1 and 2 fit in a year
    created = call("package_create", editor, **valid_data("oit-budget", org, round_item, fiscal_year=year,
                                                          period="รอบที่ 2"))
    assert created["period"] == "round-2" and created["fiscal_year"] == year


def test_annual_items_take_no_period(editor, org):
    annual = first_item("oit-hr", {"current-year", "previous-year", "standing"})
    errors = errors_of("package_create", editor, **valid_data("oit-hr", org, annual, period="ต.ค. 2568"))
    assert "ไม่ต้องระบุช่วงเวลา" in errors["period"][0]
    assert call("package_create", editor, **valid_data("oit-hr", org, annual))["period"] == "year"


def test_amounts_are_normalised_and_never_negative(editor, org):
    data = valid_data("oit-budget", org, budget_allocated="๑,๒๓๔,๕๖๗.๕ บาท", budget_spent="-5")
    errors = errors_of("package_create", editor, **data)
    assert list(errors) == ["budget_spent"] and "ติดลบ" in errors["budget_spent"][0]
    data["budget_spent"] = "1000"
    created = call("package_create", editor, **data)
    assert created["budget_allocated"] == "1234567.50"


def test_egp_project_numbers_have_eleven_digits(editor, org):
    # any procurement item takes the field: the 2569 list's first (the monthly summary, with its month)
    data = valid_data("oit-procurement", org, first_item("oit-procurement"), egp_project_number="6908964901")
    assert "11" in errors_of("package_create", editor, **data)["egp_project_number"][0]
    data["egp_project_number"] = "๖๙๐๘๙๖๔๙๐๑๗"
    assert call("package_create", editor, **data)["egp_project_number"] == "69089649017"


def test_a_channel_item_needs_its_channel_link(editor, org):
    channel = next(i for i in frameworks.edition_for(FISCAL_YEAR).items if i.evidence == "channel")
    data = valid_data(channel.dataset_type, org, channel)
    del data["channel_url"]
    errors = errors_of("package_create", editor, **data)
    assert "เป็นช่องทาง" in errors["channel_url"][0]


def test_workflow_fields_cannot_be_set_through_the_api(editor, org):
    created = call("package_create", editor, **valid_data("oit-hr", org, oit_status="published",
                                                          oit_approved_by="someone"))
    assert created["oit_status"] == "draft"
    assert "oit_approved_by" not in created
    patched = call("package_patch", editor, id=created["id"], oit_status="published")
    assert patched["oit_status"] == "draft"


def test_a_given_name_and_title_are_kept(editor, org):
    created = call("package_create", editor, **valid_data(
        "oit-integrity", org, name="my-integrity-measure", title="มาตรการของเรา"))
    assert (created["name"], created["title"]) == ("my-integrity-measure", "มาตรการของเรา")


def test_thai_tags_are_kept_and_odd_characters_refused(editor, org):
    """CKAN's own tag rule refuses Thai vowel and tone marks ("จัดซื้อ"); ours keeps them."""
    created = call("package_create", editor, **valid_data(
        "oit-procurement", org, tag_string="จัดซื้อจัดจ้าง,ปีงบประมาณ 2569,น้ำประปา"))
    assert sorted(t["name"] for t in created["tags"]) == ["จัดซื้อจัดจ้าง", "น้ำประปา", "ปีงบประมาณ 2569"]
    errors = errors_of("package_create", editor, **valid_data(
        "oit-procurement", org, item=first_item("oit-procurement", {"monthly"}), period="พ.ย. 2568",
        tag_string="ดี<script>"))
    message = " ".join(str(m) for m in errors.get("tags", errors.get("tag_string", [])))
    assert "คำสำคัญ" in message and "Tag" in message, errors


def test_a_schema_without_a_common_field_stops_start_up_naming_type_and_fields():
    from ckanext.oit import dataset_types
    from ckanext.oit.frameworks import FrameworkError

    fields = [{"field_name": name} for name in dataset_types.common_fields() if name != "fiscal_year"]
    with pytest.raises(FrameworkError) as failure:
        dataset_types.check({"oit-broken": {"dataset_fields": fields}, "dataset": {"dataset_fields": []}})
    assert str(failure.value) == (
        "แบบชุดข้อมูล oit-broken: ไม่มีช่องร่วม fiscal_year ของ schemas/presets.yaml / "
        "Dataset schema oit-broken: the common fields fiscal_year of schemas/presets.yaml are missing")
    with pytest.raises(FrameworkError, match="No OIT dataset schema is loaded"):
        dataset_types.check({"dataset": {"dataset_fields": []}})


def test_the_one_test_of_an_oit_type():
    from ckanext.oit.dataset_types import is_oit_type

    assert is_oit_type("oit-procurement") and is_oit_type("oit-")
    assert not is_oit_type("dataset") and not is_oit_type(None) and not is_oit_type(" oit-hr")
