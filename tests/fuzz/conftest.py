"""Hypothesis profiles for the fuzz targets.

``ci`` (the default, what `make test` runs): a fixed, derandomized few hundred cases per target, well under a
minute in all. ``long`` (`make fuzz`, or ``STACKPRINT_FUZZ_PROFILE=long``): 20,000 random cases per target, for a
run before a release. Every case must finish in 5 s (the deadline is one of the invariants).
"""
from __future__ import annotations

import os
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings

_COMMON = dict(deadline=timedelta(seconds=5), database=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.function_scoped_fixture])
settings.register_profile("ci", max_examples=150, derandomize=True, **_COMMON)
settings.register_profile("long", max_examples=20_000, **_COMMON)
settings.load_profile(os.environ.get("STACKPRINT_FUZZ_PROFILE", "ci"))


@pytest.fixture(scope="session", autouse=True)
def gate_workers_started():
    """The first build of a process forks the gate workers, which load cfn-lint's rules (seconds on a busy machine,
    once per process: generator/gatecache/runner.py): started here, so the per-case deadline times cases only."""
    from generator.compile import GATES
    from generator.gatecache.runner import warm_up

    warm_up(GATES)
