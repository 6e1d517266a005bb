"""Deterministic subnet allocation: a fixed slot per tier and availability zone.

Every tier reserves room for the maximum number of zones (6), so adding a zone fills the next free slot and never
moves an existing subnet (moving one would replace it and everything inside it). Tiers are laid out largest first,
so each tier's block is naturally aligned to its own prefix.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from generator.model.network import RESERVED_ZONES, TIERS
from generator.plan.names import pascal


@dataclass(frozen=True)
class Subnet:
    """One subnet: its tier, zone index (0-based, used with ``Fn::Select``) and CIDR."""

    tier: str
    zone: int
    cidr: str

    @property
    def logical_id(self) -> str:
        """``PrivateSubnet2`` (zones are numbered from 1 for people)."""
        return f"{pascal(self.tier)}Subnet{self.zone + 1}"


def allocate(bp) -> tuple[Subnet, ...]:
    """Subnets for every tier and zone of ``bp.network``, in tier then zone order.

    The model has checked that the tiers' reserved blocks fit the VPC (:func:`generator.model.network.fits`).
    An existing network's subnets are the team's: none are allocated.
    """
    if not bp.network.managed:
        return ()
    vpc = bp.network.cidr
    prefixes = bp.network.prefixes
    # Largest subnets first keeps every block aligned; ties keep the fixed tier order.
    order = sorted(TIERS, key=lambda tier: (prefixes[tier], TIERS.index(tier)))
    offset = 0
    starts: dict[str, int] = {}
    for tier in order:
        size = 2 ** (32 - prefixes[tier])
        starts[tier] = offset
        offset += size * RESERVED_ZONES
    base = int(vpc.network_address)
    subnets = []
    for tier in TIERS:
        size = 2 ** (32 - prefixes[tier])
        for zone in range(bp.network.availability_zones):
            network = ipaddress.IPv4Network((base + starts[tier] + zone * size, prefixes[tier]))
            subnets.append(Subnet(tier=tier, zone=zone, cidr=str(network)))
    return tuple(subnets)
