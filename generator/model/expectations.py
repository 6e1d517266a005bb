"""``expect:``: reachability a blueprint asserts and the build proves from the rendered templates.

::

    expect:
      web:    {internet: reachable, outbound: internet}
      api:    {internet: unreachable, reachable_from: [web]}
      appdb:  {reachable_from: [app]}

Keys are service or database names. ``internet`` is ``reachable`` (some path from the internet exists),
``restricted`` (paths exist, and every one is limited to chosen sources: CIDRs or prefix lists, never 0.0.0.0/0 or
::/0, as ``allow_from: [...]`` builds) or ``unreachable`` (no path, not even from one listed source);
``reachable_from`` is the EXACT
set of services that can open a connection to it (directly or through an internal balancer; ``[]`` means none;
address ranges outside the VPC that an internal balancer admits are not services and do not count);
``outbound`` is ``internet`` (through NAT or a public IP), ``endpoints`` (VPC endpoints only) or ``none``. A verdict
the templates leave unknown satisfies no assertion. Overlays may change expectations per environment.
"""
from __future__ import annotations

from typing import Callable, Iterator, Literal

from pydantic import Field

from generator.model.base import Model, ServiceName
from generator.model.errors import did_you_mean


class Expectation(Model):
    """What one service or database must (not) be reachable from, proven at build time."""

    internet: Literal["reachable", "restricted", "unreachable"] | None = Field(
        None, description="Whether a path from the internet must exist (through a balancer or a public IP): "
                          "reachable (from anywhere or from chosen sources), restricted (only from chosen sources: "
                          "allow_from CIDRs or prefix lists, never 0.0.0.0/0) or unreachable.")
    reachable_from: list[ServiceName] | None = Field(
        None, description="The exact set of services that may open a connection to it ([] for none).",
        examples=[["web"]])
    outbound: Literal["internet", "endpoints", "none"] | None = Field(
        None, description="Where it may send traffic: internet (NAT or public IP), endpoints (VPC endpoints "
                          "only) or none.")


def check(bp, issue: Callable) -> Iterator:
    """Names in ``expect`` must be services or databases of the blueprint (with a did-you-mean)."""
    known = list(bp.services) + list(bp.databases)
    for name, expectation in bp.expect.items():
        if name not in known:
            yield issue(("expect", name), f"unknown service or database '{name}' {did_you_mean(name, known)}",
                        True)
            continue
        for index, caller in enumerate(expectation.reachable_from or []):
            if caller not in bp.services:
                yield issue(("expect", name, "reachable_from", index),
                            f"unknown service '{caller}' {did_you_mean(caller, list(bp.services))}")
