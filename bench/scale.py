"""Does a build grow linearly with the blueprint? 10, 50, 100, 250 and 500 services of the benchmark layout
(bench/support/albfs.py: each an internet-facing HTTPS service behind its own balancer, 2 zones, NAT per zone),
one full gated build each from a cold gate cache, measured for wall, CPU and peak memory (process tree and
largest process, as bench/vs_cdk.py does).

Per service, two figures: the average (figure / services), which a fixed start-up cost (interpreter, cfn-lint's
schemas, the network stack) inflates at small sizes, and the marginal cost (the growth from the previous size
divided by the services added), which is what "linear" means: flat marginal cost = a straight line. The verdict
says whether each is flat within 25% (largest / smallest <= 1.25) over the sizes from 50 up. Also prints the
largest stack (resources, bytes) and the pipeline template's size, so a size that stops being deployable shows.
Asserts nothing.

    .venv/bin/python bench/scale.py [--sizes 10,50,100,250,500] [--runs 1]
"""
from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import albfs  # noqa: E402
from support.measure import MIB, CommandFailed, Sample, load, machine, run  # noqa: E402
from vs_cdk import has_no_cache_option, stackprint_command  # noqa: E402

FLAT = 1.25


class _CfnLoader(yaml.SafeLoader):
    """Reads the templates' short-form intrinsics (!Ref, !GetAtt...) as plain values: only sizes are counted."""


_CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def largest_stack(out: Path) -> tuple[int, int, str]:
    """(most resources in one template, largest template bytes, pipeline template bytes) under ``out``."""
    most = biggest = 0
    for path in out.rglob("*.template.yaml"):
        if path.name == "pipeline.template.yaml":
            continue
        text = path.read_bytes()
        biggest = max(biggest, len(text))
        most = max(most, len((yaml.load(text, Loader=_CfnLoader) or {}).get("Resources") or {}))
    pipeline = sum(p.stat().st_size for p in out.rglob("pipeline.template.yaml"))
    return most, biggest, f"{pipeline:,d}"


def build(services: int, stackprint: list[str], no_cache: bool) -> tuple[Sample, tuple]:
    with tempfile.TemporaryDirectory(prefix="stackprint-scale-") as tmp:
        project = Path(tmp)
        (project / "blueprints").mkdir()
        (project / "blueprints" / f"{albfs.NAME}.yaml").write_text(albfs.blueprint(services))
        env = {**os.environ, "NO_COLOR": "1", "STACKPRINT_CACHE_DIR": str(project / "cache")}
        sample = run(stackprint + ["build"] + (["--no-cache"] if no_cache else []), project, env)
        return sample, largest_stack(project / "out")


def flatness(values: list[float]) -> tuple[float, str]:
    if len(values) < 2:
        return float("nan"), "n/a (needs two sizes that built)"
    spread = max(values) / min(values) if min(values) > 0 else float("inf")
    return spread, ("flat" if spread <= FLAT else "NOT flat") + f" within {FLAT - 1:.0%} ({spread:.2f}x)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--sizes", default="10,50,100,250,500", help="service counts, comma-separated")
    parser.add_argument("--runs", type=int, default=1, help="builds per size; the median is used (default 1)")
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    stackprint = stackprint_command()
    no_cache = has_no_cache_option(stackprint)
    load_before = load()
    results: dict[int, Sample] = {}
    shapes: dict[int, tuple] = {}
    failed: dict[int, str] = {}
    for services in sizes:
        samples = []
        for index in range(args.runs):
            print(f"{services} services, build {index + 1}/{args.runs}...", file=sys.stderr, flush=True)
            started = time.perf_counter()
            try:
                sample, shapes[services] = build(services, stackprint, no_cache)
            except CommandFailed as failure:
                lines = [line for line in str(failure).splitlines() if line.strip()]
                failed[services] = lines[-1] if lines else "failed"
                print(f"  FAILED: {failed[services]}", file=sys.stderr, flush=True)
                break
            samples.append(sample)
            print(f"  done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        if samples:
            results[services] = Sample(*(statistics.median(getattr(s, f) for s in samples)
                                         for f in ("wall", "cpu", "max_process", "tree_peak")))
    for services in failed:
        print(f"{services} services: the build FAILED ({failed[services][:200]})")
    sizes = [s for s in sizes if s in results]
    if not sizes:
        return 1

    print(f"stackprint build, full and gated, cold gate cache "
          f"({'--no-cache' if no_cache else 'empty STACKPRINT_CACHE_DIR'}); median of {args.runs} per size")
    print(f"machine: {machine()}; {datetime.date.today().isoformat()}; load average {load_before} at the start, "
          f"{load()} at the end")
    print()
    print("| services | wall | CPU | peak memory (tree) | largest process | wall / service | CPU / service | "
          "memory / service | marginal wall / service | marginal CPU / service | marginal memory / service | "
          "most resources in a stack | largest stack | pipeline template |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    marginal_cpu: list[float] = []
    marginal_wall: list[float] = []
    marginal_memory: list[float] = []
    previous = None
    for services in sizes:
        r = results[services]
        mw = mc = mm = ""
        if previous is not None:
            p, added = results[previous], services - previous
            marginal_wall.append((r.wall - p.wall) / added)
            marginal_cpu.append((r.cpu - p.cpu) / added)
            marginal_memory.append((r.tree_peak - p.tree_peak) / added)
            mw, mc = f"{marginal_wall[-1]:.3f} s", f"{marginal_cpu[-1]:.3f} s"
            mm = f"{marginal_memory[-1] / MIB:.2f} MiB"
        most, biggest, pipeline = shapes[services]
        print(f"| {services} | {r.wall:.1f} s | {r.cpu:.1f} s | {r.tree_peak / MIB:.0f} MiB | "
              f"{r.max_process / MIB:.0f} MiB | {r.wall / services:.3f} s | {r.cpu / services:.3f} s | "
              f"{r.tree_peak / MIB / services:.2f} MiB | {mw} | {mc} | {mm} | {most} | {biggest:,d} B | {pipeline} B |")
        previous = services
    print()
    from_50 = [s for s in sizes if s >= 50] or sizes
    print("average per service, sizes " + ", ".join(map(str, from_50)) + ":")
    print("  wall:   " + flatness([results[s].wall / s for s in from_50])[1])
    print("  CPU:    " + flatness([results[s].cpu / s for s in from_50])[1])
    print("  memory: " + flatness([results[s].tree_peak / s for s in from_50])[1])
    print("marginal per service (growth between consecutive sizes):")
    print("  wall:   " + flatness([max(v, 1e-9) for v in marginal_wall])[1])
    print("  CPU:    " + flatness([max(v, 1e-9) for v in marginal_cpu])[1])
    print("  memory: " + flatness([max(v, 1.0) for v in marginal_memory])[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
