"""How long `stackprint migrate` takes: per corpus input in-process, on a large synthetic task definition, and the
whole CLI as a user runs it (interpreter start-up included). Prints figures; asserts nothing."""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "migrate" / "corpus"
ROLE = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"


def _time(fn, repeat: int) -> float:
    """Median seconds of ``repeat`` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _synthetic(containers: int, variables: int) -> str:
    """A bridge-mode task with every container linked to the next and URL variables naming the links."""
    defs = []
    for i in range(containers):
        defs.append({
            "name": f"c{i}", "image": f"123456789012.dkr.ecr.us-east-1.amazonaws.com/c{i}:1", "cpu": 128,
            "memory": 256, "links": [f"c{(i + 1) % containers}"],
            "portMappings": [{"containerPort": 8000 + i, "hostPort": 0}],
            "environment": [{"name": f"V{j}", "value": f"http://c{(i + 1) % containers}:{8000 + j}/p"}
                            for j in range(variables)],
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/big"}}})
    return json.dumps({"family": "big", "networkMode": "bridge", "containerDefinitions": defs})


def main_bench() -> None:
    runner = CliRunner()
    cases = sorted(p for p in CORPUS.iterdir() if (p / "input.json").exists())
    total = 0.0
    for case in cases:
        args = json.loads((case / "case.json").read_text())["args"]
        text = (case / "input.json").read_text()
        total += _time(lambda: runner.invoke(main, ["migrate", "-", *args], input=text), 20)
    print(f"corpus: {len(cases)} inputs, median {total / len(cases) * 1000:.2f} ms per input (in-process CLI)")
    big = _synthetic(10, 200)
    seconds = _time(lambda: runner.invoke(main, ["migrate", "-", "--execution-role-arn", ROLE], input=big), 5)
    print(f"synthetic: 10 containers x 200 linked URL variables ({len(big) // 1024} KiB), median "
          f"{seconds * 1000:.1f} ms (in-process CLI)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        command = [sys.executable, "-m", "generator.cli", "migrate", str(CORPUS / "web-api-links" / "input.json"),
                   "--execution-role-arn", ROLE, "-o", str(out)]
        seconds = _time(lambda: subprocess.run(command, check=True, capture_output=True), 5)
    print(f"cli: web-api-links as a subprocess, median {seconds * 1000:.0f} ms (start-up included)")


if __name__ == "__main__":
    main_bench()
