"""The HTML report renders in a real browser: headless Chromium opens the page from disk (no network) and the
page's own probe reports the diagram's size and the ``<text>`` elements that read each service name.

`make test` installs Debian's ``chromium`` when missing and exports STACKPRINT_CHROMIUM; then a missing binary
FAILS the test (CI must not skip silently). Without the variable the test uses ``chromium`` on PATH, or skips.
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.report import load_report, render_html

pytestmark = pytest.mark.slow  # see tests/conftest.py: "Suite cost"

REPO = Path(__file__).resolve().parents[2]
ENVIRONMENTS = sorted(str(p.relative_to(REPO)) for p in (REPO / "out").glob("*/*") if (p / "stacks.json").is_file())
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def chromium() -> str:
    named = os.environ.get("STACKPRINT_CHROMIUM")
    found = shutil.which(named) if named else shutil.which("chromium")
    if found:
        return found
    if named:
        pytest.fail(f"STACKPRINT_CHROMIUM={named} is not an executable (make test installs Debian's chromium)")
    pytest.skip("chromium not installed: `make test` installs it (apt-get install chromium)")


def _rendered(chromium: str, page: Path, profile: Path) -> dict:
    """What the page's probe wrote into <body data-diagram=...> once Chromium laid the page out."""
    result = subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    found = re.search(r'<body[^>]*\sdata-diagram="([^"]*)"', result.stdout)
    assert found, f"the probe did not run: {result.stdout[:500]}"
    return json.loads(html.unescape(found.group(1)))


@pytest.mark.parametrize("directory", ENVIRONMENTS)
def test_diagram_renders_with_every_service_name(chromium, tmp_path, directory):
    report = load_report(str(REPO / directory))
    assert report.services, directory
    page = tmp_path / "report.html"
    page.write_text(render_html(report), encoding="utf-8")
    measured = _rendered(chromium, page, tmp_path / "profile")
    assert measured["width"] > 200 and measured["height"] > 100, measured
    assert measured["services"] == {name: 1 for name in report.services}, measured
