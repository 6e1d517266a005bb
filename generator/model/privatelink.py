"""PrivateLink: publishing an internal network load balancer to other VPCs and accounts as a VPC endpoint service.

Who may connect is decided twice, and the blueprint states both: ``allowed_principals`` (the AWS accounts, roles or
users allowed to create an interface endpoint to the service; AWS::EC2::VPCEndpointServicePermissions) and
``consumer_cidrs`` (the address ranges of the consumers' clients). The second exists because the balancer's
security group judges PrivateLink traffic too (``EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: on``), and
AWS evaluates it by the *client's* private address, not the endpoint's network interface (Elastic Load Balancing
user guide, "Security groups for your Network Load Balancer", Considerations): the group must admit the consumers'
ranges on the listener ports, and nothing else can. See docs/privatelink.md.
"""
from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from generator.model.base import Model
from generator.model.network import Cidr

#: The principal that means "every AWS account": only with relax: {privatelink_any_principal: <reason>}.
ANY_PRINCIPAL = "*"
_PRINCIPAL = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:(root|role/[A-Za-z0-9+=,.@_/-]{1,512}|"
                        r"user/[A-Za-z0-9+=,.@_/-]{1,512})$")


def _principal(value: str) -> str:
    if value == ANY_PRINCIPAL or _PRINCIPAL.fullmatch(value):
        return value
    raise ValueError(f"'{value}' is not an IAM principal ARN (arn:aws:iam::<account>:root for a whole account, or "
                     "arn:aws:iam::<account>:role/<name> or :user/<name>)")


def _principals(value: list[str]) -> list[str]:
    seen: set[str] = set()
    for principal in value:
        if principal in seen:
            raise ValueError(f"'{principal}' is listed twice")
        seen.add(principal)
    return value


Principal = Annotated[str, AfterValidator(_principal)]


class PrivateLink(Model):
    """A VPC endpoint service in front of an internal network load balancer."""

    allowed_principals: Annotated[list[Principal], Field(min_length=1), AfterValidator(_principals)] = Field(
        description="IAM principals (accounts, roles, users) allowed to create an interface endpoint to the "
                    "service. '*' (every AWS account) only with relax: {privatelink_any_principal: <reason>} on "
                    "the load balancer.", examples=[["arn:aws:iam::123456789012:root"]])
    acceptance_required: bool = Field(True, description="Every endpoint connection request waits for the "
                                                        "provider's acceptance (aws ec2 accept-vpc-endpoint-"
                                                        "connections) before traffic flows. false only with relax: "
                                                        "{privatelink_acceptance: <reason>} on the load balancer.")
    consumer_cidrs: Annotated[list[Cidr], Field(min_length=1)] = Field(
        description="Private address ranges of the consumers' clients: the balancer's security group admits "
                    "PrivateLink traffic by the client's address, on the listener ports only. Must not overlap "
                    "this VPC.", examples=[["10.50.0.0/16"]])
