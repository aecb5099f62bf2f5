"""schemas/ ships inside the package, as a wheel and as the editable install."""
from __future__ import annotations

import importlib.resources
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, check=True, capture_output=True, text=True,
    ).stdout
    return [line for line in out.splitlines() if line]


def test_schemas_are_in_the_editable_install():
    schemas = importlib.resources.files("ckanext.oit") / "schemas"
    assert schemas.is_dir()
    on_disk = {p.name for p in (REPO / "schemas").iterdir()}
    assert on_disk and on_disk <= {p.name for p in schemas.iterdir()}


def test_schemas_are_in_a_built_wheel(tmp_path):
    # Build from a copy of what git would check out, links kept as links.
    src = tmp_path / "src"
    for name in _tracked_files():
        target = src / name
        target.parent.mkdir(parents=True, exist_ok=True)
        origin = REPO / name
        if origin.is_symlink():
            target.symlink_to(origin.readlink())
        elif origin.is_file():
            shutil.copy2(origin, target)
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path / "dist"), str(src)],
        check=True, capture_output=True,
    )
    wheel = next((tmp_path / "dist").glob("ckanext_oit-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    expected = {
        "ckanext/oit/schemas/" + str(p.relative_to(REPO / "schemas"))
        for p in (REPO / "schemas").rglob("*") if p.is_file()
    }
    assert expected and expected <= set(names)
    assert "ckanext/oit/plugin.py" in names
    assert "ckanext/oit/config_declaration.yaml" in names
    assert "ckanext/oit/i18n/th/LC_MESSAGES/ckanext-oit.mo" in names  # the Thai catalogue
    assert not any(n.startswith("ckanext/__init__") for n in names)  # namespace package
