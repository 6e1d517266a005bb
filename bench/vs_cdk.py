"""stackprint build against CDK synth, side by side in one run (issue 12's goals), on the layout of 50 x CDK's
``ApplicationLoadBalancedFargateService`` plus its ``Vpc``: 50 internet-facing HTTPS services, each behind its own
balancer, over 2 zones with a NAT gateway per zone (bench/support/albfs.py writes the blueprint; bench/cdk/app.js
is the same layout in CDK).

Per round, interleaved (stackprint, then CDK, then stackprint again...), each in fresh directories:
- stackprint full build, gated, cold: an empty gate cache (``--no-cache`` when `stackprint build --help` offers it,
  and an empty STACKPRINT_CACHE_DIR either way); then, after one unmeasured build that warms the cache as a user's
  first build would, the no-change rebuild (`build` over the up-to-date out/), `stackprint check`, and the rebuild
  after changing one service's count;
- CDK synth: what `cdk synth` runs, ``node app.js`` with CDK_OUTDIR set (the figure the ratios use); also
  `cdk synth` itself when the aws-cdk CLI is installed in bench/cdk/node_modules (shown, not used for ratios).

Measures wall, CPU (user + system, children included) and peak memory both ways (bench/support/measure.py): the
largest single process (as /usr/bin/time) and the peak sum over the process tree. Prints medians and the ratios
against the goals. Runs offline: CDK comes from bench/cdk/node_modules (`make bench-cdk` installs it); without
node or aws-cdk-lib it prints stackprint's figures alone. Asserts nothing; exits 1 only if a command fails.

    .venv/bin/python bench/vs_cdk.py [--services 50] [--runs 5]
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import albfs  # noqa: E402
from support.measure import MIB, CommandFailed, Sample, load, machine, run  # noqa: E402

BENCH = Path(__file__).resolve().parent
CDK_DIR = BENCH / "cdk"
#: issue 12's goals: stackprint's figure divided by CDK synth's must be at most this.
GOALS = {"wall": 0.5, "memory": 0.3, "no-change": 0.05, "check": 0.05, "one-count": 0.1}


def stackprint_command() -> list[str]:
    """The stackprint next to this interpreter (the project's .venv), else the one on PATH."""
    beside = Path(sys.executable).parent / "stackprint"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("stackprint")
    if found:
        return [found]
    return [sys.executable, "-m", "generator.cli"]


def has_no_cache_option(stackprint: list[str]) -> bool:
    text = subprocess.run(stackprint + ["build", "--help"], capture_output=True, text=True, check=False).stdout
    return "--no-cache" in text


def cdk_available() -> tuple[str | None, str | None]:
    """(node, cdk CLI) paths usable offline from bench/cdk, or None for what is missing."""
    node = shutil.which("node")
    lib = CDK_DIR / "node_modules" / "aws-cdk-lib" / "package.json"
    if not node or not lib.exists():
        return None, None
    cli = CDK_DIR / "node_modules" / ".bin" / "cdk"
    return node, (str(cli) if cli.exists() else None)


def versions(stackprint: list[str], node: str | None) -> dict[str, str]:
    found = {"stackprint": subprocess.run(stackprint + ["--version"], capture_output=True, text=True,
                                          check=False).stdout.strip().split()[-1]}
    try:
        from importlib.metadata import version
        found["cfn-lint"] = version("cfn-lint")
    except Exception:  # noqa: BLE001 - a figure for the table, never a reason to stop
        pass
    if node:
        found["node"] = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
        for package in ("aws-cdk-lib", "constructs", "aws-cdk"):
            path = CDK_DIR / "node_modules" / package / "package.json"
            if path.exists():
                found[package] = json.loads(path.read_text())["version"]
    return found


def digest(folder: Path) -> str:
    """One hash over every file of ``folder`` (names and bytes), to see whether a rebuild changed anything."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".stackprint")):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


class Stackprint:
    """One round of stackprint measurements in a fresh project directory."""

    def __init__(self, command: list[str], services: int, no_cache: bool, log) -> None:
        self.command, self.services, self.no_cache, self.log = command, services, no_cache, log

    def round(self) -> dict[str, Sample]:
        with tempfile.TemporaryDirectory(prefix="stackprint-bench-") as tmp:
            project = Path(tmp)
            (project / "blueprints").mkdir()
            blueprint = project / "blueprints" / f"{albfs.NAME}.yaml"
            blueprint.write_text(albfs.blueprint(self.services))
            env = {**os.environ, "NO_COLOR": "1", "STACKPRINT_CACHE_DIR": str(project / "cache")}
            build = self.command + ["build"]
            found = {}
            found["build"] = self._run("full build (cold)", build + (["--no-cache"] if self.no_cache else []),
                                       project, env)
            if self.no_cache:  # --no-cache left the cache cold: warm it as a user's first plain build would
                self._run("warm-up build (unmeasured)", build, project, env)
            before = digest(project / "out")
            found["no-change"] = self._run("no-change rebuild", build, project, env)
            if digest(project / "out") != before:
                raise CommandFailed("the no-change rebuild changed out/")
            found["check"] = self._run("check", self.command + ["check"], project, env)
            blueprint.write_text(albfs.blueprint(self.services, first_count=albfs.DEFAULT_COUNT + 1))
            found["one-count"] = self._run("one count changed", build, project, env)
            if digest(project / "out") == before:
                raise CommandFailed("changing a service's count changed nothing in out/")
            return found

    def _run(self, what: str, args: list[str], cwd: Path, env: dict) -> Sample:
        sample = run(args, cwd, env)
        self.log(f"  stackprint {what:<27} {sample.wall:7.2f} s wall {sample.cpu:7.2f} CPU-s "
                 f"{sample.tree_peak / MIB:6.0f} MiB tree")
        return sample


class Cdk:
    """One round of CDK synth measurements in a fresh output directory."""

    def __init__(self, node: str, cli: str | None, services: int, log) -> None:
        self.node, self.cli, self.services, self.log = node, cli, services, log

    def round(self) -> dict[str, Sample]:
        env = {**os.environ, "BENCH_SERVICES": str(self.services), "CDK_DISABLE_VERSION_CHECK": "1",
               "CDK_DISABLE_CLI_TELEMETRY": "true"}
        found = {}
        with tempfile.TemporaryDirectory(prefix="cdk-bench-") as tmp:
            found["synth"] = self._run("synth (node app.js)", [self.node, "app.js"],
                                       {**env, "CDK_OUTDIR": str(Path(tmp) / "app")})
            templates = list((Path(tmp) / "app").glob("*.template.json"))
            if len(templates) != self.services + 1:
                raise CommandFailed(f"CDK wrote {len(templates)} templates, expected {self.services + 1}")
            if self.cli:
                found["cli"] = self._run("cdk synth (CLI)", [self.cli, "synth", "--quiet", "--no-notices",
                                                             "--app", f"{self.node} app.js",
                                                             "--output", str(Path(tmp) / "cli")], env)
        return found

    def _run(self, what: str, args: list[str], env: dict) -> Sample:
        sample = run(args, CDK_DIR, env)
        self.log(f"  cdk        {what:<27} {sample.wall:7.2f} s wall {sample.cpu:7.2f} CPU-s "
                 f"{sample.tree_peak / MIB:6.0f} MiB tree")
        return sample


def median(samples: list[Sample], field: str) -> float:
    return statistics.median(getattr(s, field) for s in samples)


def verdict(ratio: float, goal: float) -> str:
    return "met" if ratio <= goal else "NOT met"


def table(sp: dict[str, list[Sample]], cdk: dict[str, list[Sample]] | None, runs: int) -> list[str]:
    """The result as markdown table rows (medians of ``runs``)."""
    def fmt_s(x): return f"{x:.2f} s"
    def fmt_m(x): return f"{x / MIB:.0f} MiB"
    rows = []
    synth = cdk["synth"] if cdk else None
    header = "| | stackprint | CDK synth (`node app.js`) | ratio | goal |" if cdk else "| | stackprint |"
    rows += [header, "|---|---|---|---|---|" if cdk else "|---|---|"]

    def row(label: str, ours: list[Sample], field: str, fmt, goal: str | None = None, theirs=None) -> None:
        value = median(ours, field)
        if not cdk:
            rows.append(f"| {label} | {fmt(value)} |")
            return
        base = median(theirs or synth, field)
        ratio = value / base if base else float("nan")
        target = f"<= {GOALS[goal]}x: **{verdict(ratio, GOALS[goal])}**" if goal else ""
        rows.append(f"| {label} | {fmt(value)} | {fmt(base)} | {ratio:.2f}x | {target} |")

    row("full build, wall (gated, cold cache)", sp["build"], "wall", fmt_s, "wall")
    row("full build, CPU (user+sys)", sp["build"], "cpu", fmt_s, "wall")
    row("full build, peak memory (process tree)", sp["build"], "tree_peak", fmt_m, "memory")
    row("full build, peak memory (largest process)", sp["build"], "max_process", fmt_m)
    row("no-change rebuild, wall", sp["no-change"], "wall", fmt_s, "no-change")
    row("no-change rebuild, CPU", sp["no-change"], "cpu", fmt_s, "no-change")
    row("`stackprint check`, wall", sp["check"], "wall", fmt_s, "check")
    row("`stackprint check`, CPU", sp["check"], "cpu", fmt_s, "check")
    row("rebuild after one count change, wall", sp["one-count"], "wall", fmt_s, "one-count")
    row("rebuild after one count change, CPU", sp["one-count"], "cpu", fmt_s, "one-count")
    if cdk and "cli" in cdk:
        rows.append(f"| (`cdk synth` CLI, for reference) | | {median(cdk['cli'], 'wall'):.2f} s wall, "
                    f"{median(cdk['cli'], 'cpu'):.2f} CPU-s, {median(cdk['cli'], 'tree_peak') / MIB:.0f} MiB | | |")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--services", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5, help="rounds of each side, interleaved (default 5)")
    parser.add_argument("--no-cdk", action="store_true", help="measure stackprint alone")
    args = parser.parse_args()

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    stackprint = stackprint_command()
    no_cache = has_no_cache_option(stackprint)
    node, cli = (None, None) if args.no_cdk else cdk_available()
    if not args.no_cdk and not node:
        log("CDK is absent (node, or bench/cdk/node_modules/aws-cdk-lib: run `make bench-cdk`): stackprint alone")
    ours = Stackprint(stackprint, args.services, no_cache, log)
    theirs = Cdk(node, cli, args.services, log) if node else None
    sp: dict[str, list[Sample]] = {}
    cdk: dict[str, list[Sample]] = {}
    load_before = load()
    try:
        for index in range(args.runs):
            log(f"round {index + 1}/{args.runs}")
            for key, sample in ours.round().items():
                sp.setdefault(key, []).append(sample)
            if theirs:
                for key, sample in theirs.round().items():
                    cdk.setdefault(key, []).append(sample)
    except CommandFailed as failure:
        log(str(failure))
        return 1

    info = versions(stackprint, node)
    print(f"{args.services} services (ApplicationLoadBalancedFargateService layout), medians of {args.runs} "
          f"interleaved runs; gate cache: {'--no-cache' if no_cache else 'empty STACKPRINT_CACHE_DIR'} for the "
          "full build, warm for the rebuilds")
    print(f"machine: {machine()}; {datetime.date.today().isoformat()}; load average {load_before} at the start, "
          f"{load()} at the end (above the core count, other work shared the cores: CPU-s is the steadier figure)")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    if theirs:
        print("ratios: stackprint / CDK synth (`node app.js` with CDK_OUTDIR, what `cdk synth` runs), wall to wall "
              "and CPU to CPU (the issue's goals are on wall; the CPU rows apply the same goal to CPU-s); memory goal "
              "on the process-tree peak")
    print()
    for line in table(sp, cdk or None, args.runs):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
