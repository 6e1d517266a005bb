"""The tool as users install it: a non-editable wheel in a fresh venv, run outside the repository.

The editable install every other test uses would hide a file the wheel forgets to ship (issue 9 found the Jinja
templates missing that way). Here the wheel is built from a copy of the sources, installed with pip into a new
venv from the set-up's wheelhouse (offline: `make test` fills `.wheelhouse/` while the registry is reachable), and
the README tour runs in an empty temporary directory, where no path of the source tree can be found.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from setuptools import find_packages

REPO = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "generator", "templates")

pytestmark = pytest.mark.slow


def test_every_package_is_listed_for_the_wheel():
    """pyproject.toml lists packages explicitly (templates/ is mapped in); a new package must be listed too."""
    import tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set(find_packages(str(REPO), include=["generator*"]))
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert "generator.templates" in listed


@pytest.fixture(scope="module")
def wheelhouse() -> Path:
    named = os.environ.get("STACKPRINT_WHEELHOUSE")
    path = Path(named) if named else REPO / ".wheelhouse"
    if path.is_dir() and any(path.glob("*.whl")):
        return path
    if named:
        pytest.fail(f"STACKPRINT_WHEELHOUSE={named} holds no wheels")
    pytest.skip(f"no wheelhouse at {path}: run `make .wheelhouse/.installed` (`make test` does)")


@pytest.fixture(scope="module")
def installed(tmp_path_factory, wheelhouse) -> Path:
    """The bin/ directory of a fresh venv holding the non-editable wheel built from a copy of the sources."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    for name in SOURCES:
        origin = REPO / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(origin, source / name)
    offline = ["--no-index", "--find-links", str(wheelhouse), "--disable-pip-version-check", "--quiet"]
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", *offline, "-w", str(root / "dist"),
                    str(source)], check=True, capture_output=True, text=True, timeout=600)
    wheels = list((root / "dist").glob("stackprint-*.whl"))
    assert len(wheels) == 1
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True, timeout=300)
    subprocess.run([str(root / "venv" / "bin" / "python"), "-m", "pip", "install", *offline, str(wheels[0])],
                   check=True, capture_output=True, text=True, timeout=900)
    return root / "venv" / "bin"


def _run(bin_dir: Path, cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run([str(bin_dir / "stackprint"), *args], cwd=cwd, env=env, input=stdin, capture_output=True,
                          text=True, timeout=600)


def test_installed_wheel_is_not_the_source_tree(installed):
    """The venv imports generator from its own site-packages, and the templates ship inside it."""
    probe = subprocess.run([str(installed / "python"), "-c",
                            "import generator, importlib.resources as r; print(generator.__file__); "
                            "print(sorted(p.name for p in r.files('generator.templates').iterdir()))"],
                           cwd="/", capture_output=True, text=True, check=True)
    location, templates = probe.stdout.splitlines()
    assert "site-packages" in location and str(REPO) not in location
    assert "env-readme.md.j2" in templates and "starter-web.yaml.j2" in templates


def test_readme_tour_outside_the_repository(installed, tmp_path):
    """init, validate, build, check, audit, migrate and schema all exit 0 in an empty directory."""
    work = tmp_path / "tour"
    work.mkdir()
    steps = []

    def step(*args, stdin=None, expect=0):
        result = _run(installed, work, *args, stdin=stdin)
        steps.append(args)
        assert result.returncode == expect, f"stackprint {' '.join(args)}: {result.stderr}"
        assert "Traceback" not in result.stderr
        return result

    step("init", "shop", "--kind", "web")
    blueprint = work / "blueprints" / "shop.yaml"
    assert blueprint.is_file()
    # the editor's schema link resolves from the blueprint file itself
    link = next(line.split("$schema=", 1)[1] for line in blueprint.read_text().splitlines() if "$schema=" in line)
    schema_file = (blueprint.parent / link).resolve()
    assert schema_file.is_file() and json.loads(schema_file.read_text())["title"]
    step("validate", "blueprints/shop.yaml")
    built = step("build")
    assert "built out/shop/dev" in built.stderr
    assert (work / "out" / "shop" / "dev" / "README.md").read_text().startswith("# shop / dev")
    step("check")
    step("report", "out/shop/dev", "-o", "report.html")  # the price table ships as package data
    assert "<svg" in (work / "report.html").read_text()
    step("audit", "out", "--fail-on", "low")
    step("schema", "-o", "schema.json")
    assert json.loads((work / "schema.json").read_text()) == json.loads(schema_file.read_text())
    source = REPO / "tests" / "migrate" / "corpus" / "blueprint-service" / "input.json"
    migrated = step("migrate", "-", "--to", "blueprint", stdin=source.read_text())
    assert "image:" in migrated.stdout
    # a bad input is still one positioned line and exit 2 from the installed tool
    (work / "blueprints" / "broken.yaml").write_text(blueprint.read_text().replace("port: 8080", "prot: 8080"))
    broken = step("validate", "blueprints/broken.yaml", expect=2)
    assert "did you mean 'port'" in broken.stderr and len(broken.stderr.strip().splitlines()) == 1
