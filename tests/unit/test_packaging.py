"""What `pip install ckanext-oit` gets: the schemas, the catalogues, the licence and every
dependency the extension imports; not the demo data. `make package-check` goes further
and installs the wheel into an empty virtualenv with CKAN."""
from __future__ import annotations

import email
import importlib.resources
import shutil
import subprocess
import sys
import zipfile

import pytest

from support import REPO

SCHEMAS = REPO / "ckanext" / "oit" / "schemas"


def _tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, check=True, capture_output=True, text=True,
    ).stdout
    return [line for line in out.splitlines() if line]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    # Built from a copy of what git would check out.
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    for name in _tracked_files():
        origin = REPO / name
        if origin.is_file():
            target = src / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target)
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp / "dist"), str(src)],
        check=True, capture_output=True,
    )
    return zipfile.ZipFile(next((tmp / "dist").glob("ckanext_oit-*.whl")))


def test_the_schemas_are_a_folder_of_the_package_not_a_link():
    assert SCHEMAS.is_dir() and not SCHEMAS.is_symlink()
    assert not (REPO / "schemas").exists()
    installed = importlib.resources.files("ckanext.oit") / "schemas"
    assert {p.name for p in SCHEMAS.iterdir()} == {p.name for p in installed.iterdir()}


def test_the_wheel_has_every_file_of_the_package_and_the_licence(wheel):
    names = set(wheel.namelist())
    # data files too (schemas, catalogues, templates, the calendar's names), not only modules
    expected = {name for name in _tracked_files()
                if name.startswith("ckanext/oit/") and not name.rsplit("/", 1)[-1].startswith(".")}
    assert {n for n in expected if n.startswith("ckanext/oit/schemas/")}
    assert expected - names == set()
    assert {"ckanext/oit/plugin.py", "ckanext/oit/config_declaration.yaml",
            "ckanext/oit/i18n/th/LC_MESSAGES/ckanext-oit.mo"} <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") or n.endswith(".dist-info/LICENSE") for n in names)
    assert not any(n.startswith("ckanext/__init__") for n in names)  # namespace package


def test_the_wheel_declares_what_the_extension_imports(wheel):
    metadata = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    required = email.message_from_bytes(wheel.read(metadata)).get_all("Requires-Dist") or []
    names = {r.split(";")[0].split("=")[0].split(">")[0].split("<")[0].strip().lower() for r in required}
    assert {"ckanext-scheming", "frictionless", "openpyxl", "python-calamine", "pyyaml", "bleach"} <= names


def test_the_demo_data_and_its_passwords_stay_out_of_the_wheel(wheel):
    names = wheel.namelist()
    assert not [n for n in names if "demo" in n.rsplit("/", 1)[-1]]
    for name in names:
        if name.endswith((".py", ".yaml", ".json", ".html")):
            assert b"#2569" not in wheel.read(name), name  # the demo logins' passwords
