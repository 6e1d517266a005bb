"""Running the gates over rendered templates: cached verdicts first, the rest in worker processes.

Worker processes are forked (on Linux) when the session starts, before the blueprints are rendered, and load
cfn-lint's rules once each (``TemplateGate.prepare``) while the parent renders: on two cores the ~0.9 s rule load is
hidden behind rendering, and the workers are small (they do not hold the parent's rendered layouts). With a warm
cache only one worker starts ahead (see :class:`GateSession`). One pool is kept per
process and gate list, so a test session or a long-lived caller pays for it once. The largest templates are sent
first (the longest job starts first), and results are gathered by path, so the findings do not depend on which
worker finished first. A worker that dies, or Ctrl-C, stops the pool and ends the build with one line, never a hang.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from generator.errors import CommandFailed
from generator.gate_findings import GateFinding
from generator.gatecache.gates import TemplateGate
from generator.gatecache.keys import gate_key
from generator.gatecache.progress import Progress
from generator.gatecache.store import Store
from generator.write import LOCK_NAME

GATE_KIND = "gates"  # the store's folder for per-template verdicts
_PR_SET_PDEATHSIG = 1  # linux/prctl.h

_worker_gates: tuple[TemplateGate, ...] = ()
_pools: dict[tuple, ProcessPoolExecutor] = {}


def cpu_count() -> int:
    """The cores this process may run on (the affinity mask where there is one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    """``$STACKPRINT_GATE_WORKERS`` when it is a positive number (1: gate in the main process, the least memory),
    else one worker per core."""
    value = os.environ.get("STACKPRINT_GATE_WORKERS", "")
    return int(value) if value.isdigit() and int(value) > 0 else cpu_count()


def _prepare() -> None:
    for gate in _worker_gates:
        if gate.prepare is not None:
            gate.prepare()  # idempotent (cfn-lint's rule set is created once per process)


def _die_with_parent(parent: int) -> None:
    """Linux: this worker is killed when the process that forked it dies (even by SIGKILL), so a killed build leaves
    no orphan linting on; elsewhere workers end when their work queue closes."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError, TypeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _drop_output_locks() -> None:
    """Close this worker's copies of the parent's ``out/.stackprint.lock`` descriptors: a forked child shares the
    parent's flock, and must not keep ``out/`` locked should the parent be killed."""
    try:
        descriptors = os.listdir("/proc/self/fd")
    except OSError:  # pragma: no cover - not Linux: workers are spawned there, and inherit no descriptors
        return
    for name in descriptors:
        try:
            if os.path.basename(os.readlink(f"/proc/self/fd/{name}")) == LOCK_NAME:
                os.close(int(name))
        except (OSError, ValueError):
            continue


def _start_worker(gates: tuple[TemplateGate, ...], parent: int) -> None:
    """In each worker: die with the parent, release its output lock, leave Ctrl-C to it (it stops the pool), then
    load what the gates need."""
    global _worker_gates
    _die_with_parent(parent)
    _drop_output_locks()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_gates = gates
    _prepare()


def _ready() -> int:
    """A no-op task: submitting it makes the executor fork its workers now."""
    return os.getpid()


def _well_formed(cached) -> bool:
    """Whether a stored verdict is a list of ``[line, rule, message]`` (anything else is a miss)."""
    return isinstance(cached, list) and all(
        isinstance(f, list) and len(f) == 3 and isinstance(f[0], int) and isinstance(f[1], str)
        and isinstance(f[2], str) for f in cached)


def _check(path: str, text: str, indexes: tuple[int, ...]) -> dict[int, list[tuple]]:
    """In a worker: the verdicts of the given gates on one template, as plain tuples (cheap to send back)."""
    return {i: [(f.line, f.rule, f.message) for f in _worker_gates[i].check(path, text)] for i in indexes}


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _pool(gates: tuple[TemplateGate, ...], workers: int, role: str) -> tuple[ProcessPoolExecutor, int]:
    """The process's pool for these gates in ``role`` ("early", "extra") and its size: an existing one (whatever its
    size: its workers have their rules loaded already), or ``workers`` new ones forked now."""
    for (owner, size, existing_role), pool in _pools.items():
        if owner == gates and existing_role == role:
            return pool, size
    pool = ProcessPoolExecutor(workers, mp_context=_context(), initializer=_start_worker,
                               initargs=(gates, os.getpid()))
    pool.submit(_ready)  # forks the workers now, so they load the rules while the parent renders
    _pools[gates, workers, role] = pool  # the gates themselves (hashed by identity), kept alive with their pool
    return pool, workers


def _discard(pool: ProcessPoolExecutor) -> None:
    """Stop a pool at once (interrupted, or a worker died): its processes are killed, not waited for."""
    for key, value in list(_pools.items()):
        if value is pool:
            del _pools[key]
    for process in list(getattr(pool, "_processes", {}).values()):  # no public way to kill a busy worker
        if process.is_alive():
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def warm_up(gates: list) -> None:
    """Start this process's early workers for ``gates`` and wait until they have loaded their rules (for callers
    that time each build, such as a property-based test's per-case deadline: the one-time start is not a case's)."""
    template_gates = tuple(g for g in gates if isinstance(g, TemplateGate))
    workers = default_workers()
    if template_gates and workers > 1:
        pool, size = _pool(template_gates, workers, "early")
        for future in [pool.submit(_ready) for _ in range(size)]:
            future.result()


class GateSession:
    """The gates of one compile: create it before rendering (workers start), then :meth:`run` the templates.

    Gates that are not :class:`TemplateGate` (any callable over every template) run as they are, in the parent,
    uncached. ``workers`` defaults to :func:`default_workers`; 1 runs everything in this process.
    """

    def __init__(self, gates: list, store: Store | None = None, progress: Progress | None = None,
                 workers: int | None = None):
        self.gates = list(gates)
        self.template_gates = tuple(g for g in self.gates if isinstance(g, TemplateGate))
        self.store = store
        self.progress = progress or Progress(enabled=False)
        self.progress.gates = tuple(g.name for g in self.template_gates)  # what the progress line counts
        self.workers = default_workers() if workers is None else workers
        self._early = 0  # workers started before rendering; the rest start when run() has enough to judge
        if self.template_gates and self.workers > 1:
            wanted = self.workers if self.store is None or not self.store.has_entries(GATE_KIND) else 1
            self._early = min(_pool(self.template_gates, wanted, "early")[1], self.workers)

    # Why not every worker early: with a warm cache, a rebuild after a small change has one or two templates to
    # judge, and each worker costs ~0.9 CPU-s and ~110 MB for its rule set. So one worker starts early then, and the
    # others (forked after rendering, from a parent that never imported cfn-lint) only when there is more to do.

    def run(self, templates: dict[str, str]) -> list[GateFinding]:
        """Every gate's findings over ``templates`` (relative path -> YAML text), sorted."""
        findings: list[GateFinding] = []
        verdicts: dict[tuple[int, str], list[tuple]] = {}
        missing: dict[str, list[int]] = {}
        keys: dict[tuple[int, str], str] = {}
        for path in sorted(templates):
            for index, gate in enumerate(self.template_gates):
                key = keys[index, path] = gate_key(gate.name, gate.config, path, templates[path])
                cached = self.store.get(GATE_KIND, key) if self.store is not None else None
                if _well_formed(cached):
                    verdicts[index, path] = [tuple(f) for f in cached]
                    self.progress.gated(path, gate.name, cached=True)
                else:
                    missing.setdefault(path, []).append(index)
        for path, results in self._compute(templates, missing):
            for index, found in results.items():
                verdicts[index, path] = found
                if self.store is not None:
                    self.store.put(GATE_KIND, keys[index, path], [list(f) for f in found])
                self.progress.gated(path, self.template_gates[index].name, cached=False)
        for (index, path), found in verdicts.items():
            findings.extend(GateFinding(path, line, rule, message) for line, rule, message in found)
        for gate in self.gates:
            if not isinstance(gate, TemplateGate):
                findings.extend(gate(templates))
        self.progress.finish()
        return sorted(findings)

    def _compute(self, templates: dict[str, str], missing: dict[str, list[int]]):
        """(path, {gate index: findings}) for every uncached verdict: in the workers when there are any."""
        order = sorted(missing, key=lambda p: (-len(templates[p]), p))  # the longest job first
        if not self._early:
            for path in order:
                yield path, {i: [(f.line, f.rule, f.message) for f in self.template_gates[i].check(path, templates[path])]
                             for i in missing[path]}
            return
        early, size = _pool(self.template_gates, self._early, "early")
        pools = [(early, min(size, self.workers))]
        if len(order) > size and self.workers > size:
            extra, more = _pool(self.template_gates, self.workers - size, "extra")
            pools.append((extra, min(more, self.workers - size)))
        yield from _scheduled(pools, order, templates, missing)


def _scheduled(pools: list[tuple[ProcessPoolExecutor, int]], order: list[str], templates: dict[str, str],
               missing: dict[str, list[int]]):
    """Feed ``order`` to the pools, each kept at one template per worker (so a pool whose workers are free gets
    the next, largest, template); yield results as they come."""
    queue = list(reversed(order))  # pop() takes the largest
    running: dict = {}  # future -> (path, pool index)
    busy = [0] * len(pools)
    try:
        while queue or running:
            for index, (pool, size) in enumerate(pools):
                while queue and busy[index] < size:
                    path = queue.pop()
                    running[pool.submit(_check, path, templates[path], tuple(missing[path]))] = (path, index)
                    busy[index] += 1
            done, _ = wait(set(running), return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: running[f][0]):
                path, index = running.pop(future)
                busy[index] -= 1
                yield path, future.result()
    except BrokenProcessPool:
        for pool, _ in pools:
            _discard(pool)
        raise CommandFailed("a gate worker process stopped unexpectedly (killed, or out of memory); nothing "
                            "written (run the command again)", exit_code=2) from None
    except BaseException:  # Ctrl-C, or a gate that raised: stop the workers rather than wait for them
        for pool, _ in pools:
            _discard(pool)
        raise
