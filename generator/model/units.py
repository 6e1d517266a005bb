"""cpu and memory fields: the forms users write (``256``, ``"0.25 vCPU"``, ``"1 GB"``) read into ECS units.

The parsing and the Fargate table live in :mod:`generator.fargate`; this module only adapts them to pydantic so the
schema advertises both number and string forms and a bad unit is a positioned error.
"""
from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema

from generator import fargate


def _cpu(value: object) -> int:
    if not isinstance(value, (int, float, str)) or isinstance(value, bool):
        raise ValueError(f"{value!r} is not a CPU size (use units like 256 or '0.25 vCPU')")
    units = fargate.parse_cpu(value)
    if units not in fargate.COMBINATIONS:
        sizes = ", ".join(f"{size} ({describe_cpu(size)})" for size in sorted(fargate.COMBINATIONS))
        raise ValueError(f"{units} CPU units is not a Fargate size (valid: {sizes})")
    return units


def _memory(value: object) -> int:
    if not isinstance(value, (int, float, str)) or isinstance(value, bool):
        raise ValueError(f"{value!r} is not a memory size (use MiB like 512 or '1 GB')")
    return fargate.parse_memory(value)


Cpu = Annotated[int, BeforeValidator(_cpu), WithJsonSchema({
    "anyOf": [{"type": "integer", "enum": sorted(fargate.COMBINATIONS)},
              {"type": "string", "pattern": fargate.CPU_PATTERN}],
    "examples": [256, "0.25 vCPU", "1 vCPU"],
})]

Memory = Annotated[int, BeforeValidator(_memory), WithJsonSchema({
    "anyOf": [{"type": "integer", "minimum": 512},
              {"type": "string", "pattern": fargate.MEMORY_PATTERN}],
    "examples": [512, "512 MiB", "1 GB"],
})]


def describe_cpu(units: int) -> str:
    """``256`` -> ``'0.25 vCPU'``: how messages show a cpu size, in the unit users think in."""
    vcpu = units / 1024
    return f"{vcpu:g} vCPU"
