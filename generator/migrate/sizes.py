"""Task size: Fargate needs task-level cpu and memory in one of its valid combinations.

The size is read in any unit form users write (``256``, ``".25vcpu"``, ``"1 GB"``), derived from the containers
when absent (sum of cpu; sum of memory, or memoryReservation where a container has no hard limit), and rounded up
to the smallest valid combination that holds both. The table is :mod:`generator.fargate`'s.
"""
from __future__ import annotations

from generator import fargate
from generator.migrate.input import Source
from generator.migrate.platform import WINDOWS_FLOOR, WINDOWS_LARGEST_CPU
from generator.migrate.report import Report, show

_PARSERS = {"cpu": fargate.parse_cpu, "memory": fargate.parse_memory, "memoryReservation": fargate.parse_memory}


def _parse(source: Source, keypath: tuple, value, key: str) -> int:
    """An integer from a number or unit string; an unreadable value is an input error at its position."""
    if key == "cpu" and str(value).strip() == "0":
        return 0  # a container may reserve no cpu units (it shares the task's)
    try:
        return _PARSERS[key](value)
    except ValueError as exc:
        raise source.error(keypath, str(exc)) from None


def container_sizes(container: dict, base: tuple, report: Report, source: Source) -> None:
    """Container cpu/memory/memoryReservation given as strings become integers, as register-task-definition
    takes them."""
    for key in ("cpu", "memory", "memoryReservation"):
        value = container.get(key)
        if isinstance(value, str):
            number = _parse(source, base + (key,), value, key)
            container[key] = number
            report.add("changed", base + (key,), f"{show(value)} -> {number}: register-task-definition takes "
                                                 f"container {key} as an integer")


def _needed(td: dict) -> tuple[int, int]:
    """What the containers ask for in total: cpu units, and MiB (memory, or else memoryReservation)."""
    cpu = memory = 0
    for container in td["containerDefinitions"]:
        cpu += container.get("cpu", 0) or 0
        memory += container.get("memory") or container.get("memoryReservation") or 0
    return cpu, memory


def _unit(key: str, amount: int) -> str:
    return f"{amount} cpu units" if key == "cpu" else f"{amount} MiB"


def task_size(td: dict, report: Report, source: Source, windows: bool = False) -> None:
    """Set task-level ``cpu``/``memory`` to the smallest valid Fargate size holding the task; refuse above the
    largest. A Windows task is at least 1 vCPU with 2 GB and at most 4 vCPU (Fargate's Windows table)."""
    need_cpu, need_memory = _needed(td)
    given = {key: _parse(source, (key,), td[key], key) if key in td else None for key in ("cpu", "memory")}
    floor_cpu, floor_memory = WINDOWS_FLOOR if windows else (0, 0)
    want_cpu = max(given["cpu"] or 0, need_cpu, floor_cpu)
    want_memory = max(given["memory"] or 0, need_memory, floor_memory)
    fit = fargate.smallest_fitting(want_cpu, want_memory)
    largest_cpu = WINDOWS_LARGEST_CPU if windows else max(fargate.COMBINATIONS)
    if fit is not None and fit[0] > largest_cpu:
        fit = None
    largest_memory = max(fargate.COMBINATIONS[largest_cpu])
    if fit is None:
        key = "cpu" if want_cpu > largest_cpu else "memory"
        given_enough = given[key] is not None and given[key] >= (need_cpu if key == "cpu" else need_memory)
        origin = "the task asks for" if given_enough else "the containers ask for"
        amount = want_cpu if key == "cpu" else want_memory
        report.refuse((key,), f"{origin} {_unit(key, amount)}, more than the largest Fargate{' Windows' if windows else ''} size "
                              f"({largest_cpu} cpu units with {largest_memory} MiB); keep this task on EC2 or "
                              f"split it")
        return
    need = {"cpu": need_cpu, "memory": need_memory}
    floor = {"cpu": floor_cpu, "memory": floor_memory}
    for key, value in zip(("cpu", "memory"), fit):
        if value == floor[key] and (given[key] or 0) < value and need[key] < value:
            _set_windows_floor(td, report, key, value)
        else:
            _set(td, report, key, value, given[key], need[key], fit)


def _set_windows_floor(td: dict, report: Report, key: str, value: int) -> None:
    """Raise a Windows task to Fargate's smallest Windows size, saying so."""
    old, new = td.get(key), str(value)
    td[key] = new
    why = (f"Fargate runs Windows tasks with at least {WINDOWS_FLOOR[0]} cpu units (1 vCPU) and "
           f"{WINDOWS_FLOOR[1]} MiB (2 GB)")
    if old is None:
        report.add("added", (key,), f"{show(new)}: {why}")
    else:
        report.add("changed", (key,), f"{show(old)} -> {show(new)}: {why}")


def _set(td: dict, report: Report, key: str, value: int, given: int | None, need: int, fit: tuple) -> None:
    """Write ``key`` as a string of units and say why it differs from the input."""
    new = str(value)
    old = td.get(key)
    td[key] = new
    if old == new:
        return
    valid = ", ".join(str(m) for m in fargate.valid_memory(fit[0]))
    if given is None:
        report.add("added", (key,), f"{show(new)}: Fargate needs a task-level {key}; the containers ask for "
                                    f"{_unit(key, need)} in total; the smallest valid Fargate size that holds them is "
                                    f"{fit[0]} cpu units with {fit[1]} MiB")
    elif given == value:
        report.add("changed", (key,), f"{show(old)} -> {show(new)}: register-task-definition takes {key} as a "
                                      f"string of {'cpu units' if key == 'cpu' else 'MiB'}")
    elif given < need:
        report.add("changed", (key,), f"{show(old)} -> {show(new)}: the containers ask for {_unit(key, need)} in "
                                      f"total; the smallest valid Fargate size that holds them is {fit[0]} cpu "
                                      f"units with {fit[1]} MiB")
    else:
        report.add("changed", (key,), f"{show(old)} -> {show(new)}: {given} {'cpu units' if key == 'cpu' else 'MiB'} "
                                      f"is not a valid Fargate {key} for this task; rounded up to the smallest "
                                      f"valid one ({fit[0]} cpu units takes {valid} MiB)")
