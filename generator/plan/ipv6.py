"""Dual-stack decisions (``network.ipv6: true``), made once for the emitters, the README and the firewall.

- **Subnet blocks.** The VPC gets an Amazon-provided /56; each subnet gets the /64 of a fixed slot, the same slot
  scheme as the IPv4 allocation (:mod:`generator.plan.cidrs`): tier index x 6 reserved zones + zone. Adding a zone
  fills the next free slot and never moves (so never replaces) an existing subnet. The block is only known at deploy
  time, so the emitter carves it with ``Fn::Cidr`` over the VPC's ``Ipv6CidrBlocks`` and selects the slot.
- **Routes.** Public: ``::/0`` to the internet gateway. Private: ``::/0`` to an egress-only internet gateway, which is
  internet egress exactly like NAT, so it follows NAT's rule: none with ``nat: none`` (the private tier then has no
  route out in IPv6 either). Isolated: no IPv6 route out, like IPv4.
- **Addresses.** Only private subnets assign IPv6 addresses on creation (Fargate tasks; reachable from nothing
  outside: the egress-only gateway admits only replies). Public subnets do not, as they do not map public IPv4
  addresses: a globally routable IPv6 address behind the internet gateway is a public address.
- **Firewall.** ``::/0`` is the internet as ``0.0.0.0/0`` is: an internet flow to a balancer exists for both, and
  the services' egress to ``0.0.0.0/0`` (the platform's HTTPS and declared egress) gets its ``::/0`` twin when the
  private tier routes IPv6 out.
- **Balancers.** Internet-facing balancers, application or network, are ``dualstack`` (open to the internet, or to a
  list of sources). CloudFront-only ones stay
  ``ipv4`` (their only client reaches them through the IPv4 origin-facing prefix list), and internal ones stay
  ``ipv4`` (the ELBv2 API reference: "Internal load balancers must use ipv4"; their callers are tasks of this VPC,
  which always have IPv4).
"""
from __future__ import annotations

from generator.model.network import RESERVED_ZONES, TIERS

IPV4_INTERNET, IPV6_INTERNET = "0.0.0.0/0", "::/0"
#: Fn::Cidr's third argument: host bits of each block, 64 for a /64 (the only size AWS allows for subnets).
SUBNET_HOST_BITS = 64
#: Blocks carved from the VPC's /56: one per tier and reserved zone (18 of the /56's 256).
SLOTS = len(TIERS) * RESERVED_ZONES
#: The tiers whose subnets give every new network interface an IPv6 address.
ASSIGNING_TIERS = ("private",)


def slot(tier: str, zone: int) -> int:
    """The /64 slot of a subnet: fixed by tier and zone, never by how many zones there are."""
    return TIERS.index(tier) * RESERVED_ZONES + zone


def private_egress(bp) -> bool:
    """Whether the private tier routes ``::/0`` out (through the egress-only internet gateway): dual stack with NAT."""
    return bool(bp.network.ipv6) and bp.network.nat != "none"


def internet_sources(bp) -> tuple[str, ...]:
    """The ranges that stand for "the internet" as a source of flows to internet-facing balancers."""
    return (IPV4_INTERNET, IPV6_INTERNET) if bp.network.ipv6 else (IPV4_INTERNET,)


def ip_address_type(bp, balancer) -> str:
    """``dualstack`` for an internet-facing balancer in a dual-stack VPC, unless only CloudFront may connect; else
    ``ipv4``. A balancer restricted to a list of sources is dualstack too, so the IPv6 ranges it lists can reach it
    (its group admits only the listed ranges, whatever the family). Network balancers follow the same rule (their
    TCP and TLS listeners take IPv6 clients to the tasks' IPv4 addresses; ``cloudfront`` is refused on them)."""
    if bp.network.ipv6 and balancer.scheme == "internet-facing" and balancer.allow_from != "cloudfront":
        return "dualstack"
    return "ipv4"


def egress_twin(cidr: str) -> str | None:
    """The IPv6 rule an IPv4 egress rule implies in a dual-stack VPC: ``::/0`` for ``0.0.0.0/0``, else none (a
    narrower IPv4 range names particular hosts, whose IPv6 ranges only the blueprint can state)."""
    return IPV6_INTERNET if cidr == IPV4_INTERNET else None


def readme_context(layout) -> dict | None:
    """What the environment README says about dual stack: None for an IPv4-only VPC, else whether the private tier
    routes ``::/0`` out and each subnet's /64 slot."""
    if not layout.network.ipv6:
        return None
    return {"private_egress": layout.network.ipv6_private_egress,
            "slots": {s.logical_id: slot(s.tier, s.zone) for s in layout.subnets}}
