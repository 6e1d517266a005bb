"""Run one command and measure it as /usr/bin/time does, plus what /usr/bin/time cannot see: the peak of the summed
resident memory of the whole process tree (stackprint may lint in worker processes, whose memory adds up while
/usr/bin/time reports only the largest single process).

- wall: ``time.perf_counter`` from start to exit;
- CPU: user + system seconds of the process and every descendant it waited for (``os.wait4``'s rusage);
- largest process: ``ru_maxrss`` of that rusage (the peak of the biggest single process of the tree);
- tree peak: the largest sum of resident memory over the live tree (Pss, so pages forked workers share with their
  parent count once), sampled from /proc every ``interval`` seconds (Linux only; 0 elsewhere). Sampling can miss
  a spike shorter than the interval, never invent one.
"""
from __future__ import annotations

import os
import platform
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds, children included
    max_process: int  # bytes, the largest single process
    tree_peak: int  # bytes, the largest sum over the process tree (0 when /proc is absent)


class CommandFailed(RuntimeError):
    pass


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            found += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        except (OSError, ValueError):
            pass
    return found


def _rss(pid: int) -> int:
    """The process's proportional set size (Pss: a page shared by n processes counts 1/n in each, so a forked
    worker's copy-on-write pages are not counted twice), else its VmRSS where smaps_rollup is unreadable."""
    for path, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            continue
    return 0


def tree_rss(root: int) -> int:
    """The summed resident memory of ``root`` and all its live descendants."""
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += _rss(pid)
        pending += _children(pid)
    return total


def run(args: list[str], cwd: str | os.PathLike, env: dict | None = None, interval: float = 0.01) -> Sample:
    """Run ``args`` to completion and measure it; raise :class:`CommandFailed` (with its output) on a non-zero exit."""
    peak = [0]
    done = threading.Event()
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(process.pid))
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    if os.path.isdir("/proc"):
        sampler.start()
    output = process.stdout.read()  # until the tree closes it; then reap the process with its rusage
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    if sampler.is_alive():
        sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise CommandFailed(f"{' '.join(map(str, args))} exited {process.returncode}:\n"
                            f"{output.decode('utf-8', 'replace')[-3000:]}")
    # ru_maxrss is KiB on Linux, bytes on macOS
    scale = 1 if platform.system() == "Darwin" else 1024
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * scale, peak[0])


def machine() -> str:
    """``2 cores (nproc), <CPU model>``: the line the README's performance table quotes."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{os.cpu_count()} cores (nproc {usable}), {model}"


def load() -> str:
    """The 1-minute load average: wall times mean little when it is above the core count (a shared machine)."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "n/a"
