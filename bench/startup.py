"""CPU time of starting `stackprint` for one small job: `audit <one template>`, `validate <one blueprint>` and
`migrate <one task definition>`, each the median of 5 fresh processes (interpreter start-up included), as a user
or a pre-commit hook runs it. Prints figures; asserts nothing. The goal (issue 13) is under 0.2 CPU-s each.

    .venv/bin/python bench/startup.py
"""
from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
JOBS = {
    "audit": ["audit", str(ROOT / "tests" / "audit" / "SG001" / "fail.yaml")],
    "validate": ["validate", str(ROOT / "blueprints" / "web-api.yaml")],
    "migrate": ["migrate", str(ROOT / "tests" / "migrate" / "corpus" / "describe-wrapped" / "input.json"),
                "--execution-role-arn", "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"],
}


def cpu_seconds(args: list[str]) -> float:
    """User + system CPU seconds of one `stackprint ARGS` process (its exit code does not matter here)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env={**os.environ, "NO_COLOR": "1"}, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    for name, args in JOBS.items():
        samples = [cpu_seconds(args) for _ in range(RUNS)]
        print(f"stackprint {name:<9} median {statistics.median(samples):.3f} CPU-s "
              f"(min {min(samples):.3f}, max {max(samples):.3f}, {RUNS} runs)")


if __name__ == "__main__":
    main()
