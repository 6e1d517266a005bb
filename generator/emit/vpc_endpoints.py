"""VPC endpoints in the network stack: the S3 gateway endpoint on the private route tables and one interface
endpoint per declared name in the private subnets, all interface endpoints behind the one endpoint group.

The plan decided which endpoints exist and what their group admits (:mod:`generator.plan.vpc_endpoints`); this module
only writes them. Service names are built with ``${AWS::Region}`` so one template serves every region.
"""
from __future__ import annotations

from troposphere import GetAtt, Ref, Sub, Template
from troposphere import ec2

from generator.plan import Layout
from generator.plan.vpc_endpoints import ENDPOINT_GROUP


def service_name(name: str) -> Sub:
    """``com.amazonaws.${AWS::Region}.<name>``: the endpoint service of ``name`` in the stack's region."""
    return Sub(f"com.amazonaws.${{AWS::Region}}.{name}")


def add_endpoints(template: Template, layout: Layout) -> None:
    """Every endpoint of ``layout.vpc_endpoints``; route tables and subnets are the private tier's, zone order."""
    private = layout.subnets_of("private")
    for endpoint in layout.vpc_endpoints:
        if endpoint.interface:
            template.add_resource(ec2.VPCEndpoint(
                endpoint.logical_id, VpcId=Ref("Vpc"), VpcEndpointType="Interface",
                ServiceName=service_name(endpoint.name), PrivateDnsEnabled=True,
                SubnetIds=[Ref(subnet.logical_id) for subnet in private],
                SecurityGroupIds=[GetAtt(ENDPOINT_GROUP, "GroupId")]))
        else:
            template.add_resource(ec2.VPCEndpoint(
                endpoint.logical_id, VpcId=Ref("Vpc"), VpcEndpointType="Gateway",
                ServiceName=service_name(endpoint.name),
                RouteTableIds=[Ref(f"PrivateRouteTable{subnet.zone + 1}") for subnet in private]))
