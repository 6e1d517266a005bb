"""VPC endpoints in the network stack: the S3 gateway endpoint on the private route tables (admitting only the
buckets the services need) and one interface endpoint per declared name in the private subnets, all interface
endpoints behind the one endpoint group.

The plan decided which endpoints exist and what their group admits (:mod:`generator.plan.vpc_endpoints`); this module
only writes them. Service names are built with ``${AWS::Region}`` so one template serves every region.
"""
from __future__ import annotations

from troposphere import GetAtt, Ref, Sub, Template
from troposphere import ec2

from generator.emit import existing_network
from generator.plan import Layout
from generator.plan.names import pascal
from generator.plan.vpc_endpoints import ECR_LAYER_BUCKET, ENDPOINT_GROUP, s3_endpoint_access


def service_name(name: str) -> Sub:
    """``com.amazonaws.${AWS::Region}.<name>``: the endpoint service of ``name`` in the stack's region."""
    return Sub(f"com.amazonaws.${{AWS::Region}}.{name}")


def add_endpoints(template: Template, layout: Layout) -> None:
    """Every endpoint of ``layout.vpc_endpoints``; route tables and subnets are the private tier's, zone order."""
    for endpoint in layout.vpc_endpoints:
        if endpoint.interface:
            template.add_resource(ec2.VPCEndpoint(
                endpoint.logical_id, VpcId=existing_network.vpc_id(layout), VpcEndpointType="Interface",
                ServiceName=service_name(endpoint.name), PrivateDnsEnabled=True,
                SubnetIds=existing_network.subnet_ids(layout, "private"),
                SecurityGroupIds=[GetAtt(ENDPOINT_GROUP, "GroupId")]))
        else:
            template.add_resource(ec2.VPCEndpoint(
                endpoint.logical_id, VpcId=existing_network.vpc_id(layout), VpcEndpointType="Gateway",
                ServiceName=service_name(endpoint.name), PolicyDocument=s3_gateway_policy(layout),
                RouteTableIds=existing_network.route_table_ids(layout)))


def s3_gateway_policy(layout: Layout) -> dict:
    """The S3 gateway endpoint's policy: ECR's image-layer bucket of the region (read only, as the ECR guide
    prescribes: layers are fetched through pre-signed URLs ECR signs, so no principal condition), and the S3
    actions and resources the services' task roles hold, for principals of this account only. Every other bucket
    of the region is out of reach from the private subnets, so the endpoint is no exfiltration path."""
    statements = [{"Sid": "EcrImageLayers", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                   "Resource": Sub(f"arn:${{AWS::Partition}}:s3:::{ECR_LAYER_BUCKET}/*")}]
    for service, actions, resources in s3_endpoint_access(layout.services):
        statements.append({"Sid": f"{pascal(service)}TaskPermissions", "Effect": "Allow", "Principal": "*",
                           "Action": list(actions), "Resource": list(resources),
                           "Condition": {"StringEquals": {"aws:PrincipalAccount": Ref("AWS::AccountId")}}})
    return {"Version": "2012-10-17", "Statement": statements}
