"""Dual stack in the network stack (``network.ipv6: true``; decisions in :mod:`generator.plan.ipv6`).

Adds to what :func:`generator.emit.network.add_vpc` built: the VPC's Amazon-provided IPv6 block, each subnet's /64
(``Fn::Cidr`` over the VPC's ``Ipv6CidrBlocks``, at the subnet's fixed slot; the subnets wait for the block, since
the attribute is empty until it is associated), ``::/0`` from the public route table to the internet gateway and,
when the private tier has a way out (a NAT mode other than ``none``), an egress-only internet gateway with ``::/0``
from every private route table. The isolated route table gets nothing. At most 1 + 1 + 1 + 6 resources whatever the
number of services, so the network stack stays about the same size.
"""
from __future__ import annotations

from troposphere import Cidr, GetAtt, Ref, Select, Template
from troposphere import ec2

from generator.plan import Layout
from generator.plan.ipv6 import ASSIGNING_TIERS, IPV6_INTERNET, SLOTS, SUBNET_HOST_BITS, slot

BLOCK = "VpcIpv6CidrBlock"
EGRESS_ONLY_GATEWAY = "EgressOnlyInternetGateway"


def add_dual_stack(template: Template, layout: Layout) -> None:
    """The IPv6 block, subnet blocks and IPv6 routes, when the network is dual stack."""
    if not layout.network.ipv6:
        return
    template.add_resource(ec2.VPCCidrBlock(BLOCK, VpcId=Ref("Vpc"), AmazonProvidedIpv6CidrBlock=True))
    blocks = Cidr(Select(0, GetAtt("Vpc", "Ipv6CidrBlocks")), SLOTS, SUBNET_HOST_BITS)
    for subnet in layout.subnets:
        resource = template.resources[subnet.logical_id]
        resource.Ipv6CidrBlock = Select(slot(subnet.tier, subnet.zone), blocks)
        resource.AssignIpv6AddressOnCreation = subnet.tier in ASSIGNING_TIERS
        resource.DependsOn = [BLOCK]
    template.add_resource(ec2.Route("PublicDefaultIpv6Route", RouteTableId=Ref("PublicRouteTable"),
                                    DestinationIpv6CidrBlock=IPV6_INTERNET, GatewayId=Ref("InternetGateway"),
                                    DependsOn="InternetGatewayAttachment"))
    if not layout.network.ipv6_private_egress:
        return
    template.add_resource(ec2.EgressOnlyInternetGateway(EGRESS_ONLY_GATEWAY, VpcId=Ref("Vpc")))
    for subnet in layout.subnets_of("private"):
        template.add_resource(ec2.Route(
            f"PrivateDefaultIpv6Route{subnet.zone + 1}", RouteTableId=Ref(f"PrivateRouteTable{subnet.zone + 1}"),
            DestinationIpv6CidrBlock=IPV6_INTERNET, EgressOnlyInternetGatewayId=Ref(EGRESS_ONLY_GATEWAY)))
