"""`make screenshots`: scripts/screenshots.py against a live portal writes a
full-page PNG of each main page and public channel page in Thai and English."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO
from ckanext.oit_demo import agency as demo, samples as demo_samples

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")]

PNG = b"\x89PNG\r\n\x1a\n"


def test_screenshots_of_the_main_pages_in_thai_and_english(live_server, tmp_path):
    list(demo.load())  # what `make screenshots` runs first (`ckan oit-demo --samples`)
    list(demo_samples.load())
    out = tmp_path / "shots"
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "screenshots.py"), "--ini", str(tmp_path / "live.ini"),
         "--out", str(out)],
        env=dict(os.environ, OIT_CKAN_PORT=live_server.rsplit(":", 1)[1]),
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "using the portal that runs on" in done.stderr  # it used the running one, started none

    printed = [Path(line) for line in done.stdout.split()]
    names = {"01-home", "02-search", "03-dataset", "04-resource", "05-organisation", "06-oit-page",
             "07-login", "08-dashboard-staff", "09-compliance-director", "10-approvals-director",
             "11-questions", "12-feedback", "13-complaint-form", "14-complaint-status",
             "15-my-work-staff", "16-new-dataset-staff", "17-my-work-director", "18-itas-director"}
    assert sorted(printed) == sorted(out / lang / f"{name}.png" for lang in ("th", "en") for name in names)
    for png in printed:
        data = png.read_bytes()
        assert data.startswith(PNG), png
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert width == 1280 and height >= 600, (png, width, height)
    # full page, not the window: the resource page with its preview is longer than 900 px
    resource = (out / "th" / "04-resource.png").read_bytes()
    assert int.from_bytes(resource[20:24], "big") > 900
    # the complaint form (privacy notice and all its fields) is drawn, not an error page
    for lang in ("th", "en"):
        form = (out / lang / "13-complaint-form.png").read_bytes()
        assert int.from_bytes(form[20:24], "big") > 1200, lang
