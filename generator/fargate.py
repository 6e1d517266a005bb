"""Fargate task sizes: the valid cpu/memory combinations and the unit forms users write.

Shared by the blueprint model (validating ``cpu``/``memory``) and ``migrate`` (rounding EC2 task sizes up), so the
table lives in exactly one place. Source: the Amazon ECS developer guide, "Task CPU and memory" for Fargate.
"""
from __future__ import annotations

import math
import re

GIB = 1024


def _range(start_gb: int, stop_gb: int, step_gb: int) -> tuple[int, ...]:
    return tuple(gb * GIB for gb in range(start_gb, stop_gb + 1, step_gb))


#: cpu units -> valid memory values in MiB, ascending.
COMBINATIONS: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: _range(1, 4, 1),
    1024: _range(2, 8, 1),
    2048: _range(4, 16, 1),
    4096: _range(8, 30, 1),
    8192: _range(16, 60, 4),
    16384: _range(32, 120, 8),
}

#: The string forms of a cpu and a memory size, written once for the parser here and the blueprint's JSON Schema:
#: letters spelled in both cases and groups kept to what ECMA-262 (the schema's regex dialect) also reads.
CPU_PATTERN = r"^\s*([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*([vV][cC][pP][uU]|[cC][pP][uU])?\s*$"
MEMORY_PATTERN = r"^\s*([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*([mM][iI]?[bB]|[gG][iI]?[bB])?\s*$"
_CPU_RE = re.compile(CPU_PATTERN)
_MEM_RE = re.compile(MEMORY_PATTERN)


def parse_cpu(value: int | float | str) -> int:
    """CPU units from ``256``, ``"256"``, ``"0.25 vCPU"``, ``".25vcpu"``, ``"1 vCPU"``.

    A bare number is read as units (as ECS does); a number with ``vCPU`` is multiplied by 1024.
    Raises ValueError with the accepted forms.
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a CPU size (use units like 256 or '0.25 vCPU')")
    if isinstance(value, (int, float)):
        number, unit = float(value), None
    else:
        match = _CPU_RE.match(str(value))
        if not match:
            raise ValueError(f"'{value}' is not a CPU size (use units like 256 or '0.25 vCPU')")
        number, unit = float(match.group(1)), match.group(2)
    units = number * 1024 if unit else number
    if not math.isfinite(units) or units != int(units) or units <= 0:  # '999…9 vCPU' overflows to infinity
        raise ValueError(f"'{value}' is not a whole number of CPU units (use units like 256 or '0.25 vCPU')")
    return int(units)


def parse_memory(value: int | float | str) -> int:
    """Memory in MiB from ``512``, ``"512"``, ``"512 MiB"``, ``"1gb"``, ``"1 GB"``.

    A bare number is MiB (as ECS reads it); GB and GiB are both taken as 1024 MiB, as the ECS console does.
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a memory size (use MiB like 512 or '1 GB')")
    if isinstance(value, (int, float)):
        number, unit = float(value), None
    else:
        match = _MEM_RE.match(str(value))
        if not match:
            raise ValueError(f"'{value}' is not a memory size (use MiB like 512 or '1 GB')")
        number, unit = float(match.group(1)), (match.group(2) or "").lower()
    mib = number * GIB if unit in ("gb", "gib") else number
    if not math.isfinite(mib) or mib != int(mib) or mib <= 0:  # '999…9 GB' overflows to infinity
        raise ValueError(f"'{value}' is not a whole number of MiB (use MiB like 512 or '1 GB')")
    return int(mib)


def is_valid(cpu: int, memory: int) -> bool:
    """Whether Fargate accepts this task-level cpu/memory pair."""
    return memory in COMBINATIONS.get(cpu, ())


def valid_memory(cpu: int) -> tuple[int, ...]:
    """The memory values (MiB) Fargate accepts with ``cpu`` units; empty for an invalid cpu."""
    return COMBINATIONS.get(cpu, ())


def smallest_fitting(cpu: int, memory: int) -> tuple[int, int] | None:
    """The smallest valid (cpu, memory) with at least ``cpu`` units and ``memory`` MiB; None if above the largest.

    Used to round a task up: cpu first (the smallest size with enough cpu that can also hold the memory), then the
    smallest memory value of that size that is large enough.
    """
    for size in sorted(COMBINATIONS):
        if size < cpu:
            continue
        for mib in COMBINATIONS[size]:
            if mib >= memory:
                return size, mib
    return None


def describe_memory(mib: int) -> str:
    """``512`` -> ``'512'``, ``2048`` -> ``'2048 (2 GB)'``: how suggestions show memory."""
    return str(mib) if mib < GIB or mib % GIB else f"{mib} ({mib // GIB} GB)"
