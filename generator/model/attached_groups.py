"""Attached security groups: centrally managed groups (a Firewall Manager common group, a shared "corporate
scanners" group...) that a service's tasks wear beside the groups the compiler derives from the flows.

Their rules live outside the blueprint, so the compiler cannot know what they admit: each one carries the reason a
reviewer reads, the README lists them as external and the audit's SG010 marks the tasks wearing them. The ids come
from a stack parameter (typed ``AWS::EC2::SecurityGroup::Id``, so CloudFormation checks the group exists) or from
an SSM parameter CloudFormation resolves at deploy time.
"""
from __future__ import annotations

import re
from typing import Annotated, Iterator

from pydantic import AfterValidator, Field, model_validator

from generator.model.audit import Reason
from generator.model.base import Model, matching

_PARAMETER = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,254}$")
#: An SSM parameter name: '/'-separated path of letters, digits and _ . -
_SSM_PATH = re.compile(r"^/[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*$")
#: AWS default: security groups per network interface (a Fargate task has one interface).
GROUPS_PER_INTERFACE = 5

_parameter_name = matching(_PARAMETER, "'{value}' is not a CloudFormation parameter name (letters and digits, "
                                       "e.g. CommonSecurityGroupId)")
_ssm_path = matching(_SSM_PATH, "'{value}' is not an SSM parameter name (a path of letters, digits and _ . -, "
                                "starting with '/', e.g. /network/common-security-group-id)")


def ssm_parameter_name(path: str) -> str:
    """``/network/common-sg`` -> ``AttachedGroupNetworkCommonSg``: the stack parameter that resolves the SSM path
    (derived from the path alone, so adding another attached group never renames it)."""
    words = re.split(r"[^A-Za-z0-9]+", path)
    return ("AttachedGroup" + "".join(word[:1].upper() + word[1:] for word in words if word))[:255]


class AttachedGroup(Model):
    """A security group made outside this blueprint that the service's tasks also wear."""

    parameter: Annotated[str, AfterValidator(_parameter_name)] | None = Field(
        None, description="Name of a stack parameter (type AWS::EC2::SecurityGroup::Id) holding the group's id.",
        examples=["CommonSecurityGroupId"])
    ssm: Annotated[str, AfterValidator(_ssm_path)] | None = Field(
        None, description="Name of an SSM parameter holding the group's id, resolved by CloudFormation at deploy "
                          "time.", examples=["/network/common-security-group-id"])
    reason: Reason = Field(description="Why the tasks wear it (the README and the audit show it: its rules are "
                                       "managed elsewhere).", examples=["Firewall Manager common group"])

    @model_validator(mode="after")
    def _exactly_one(self):
        if (self.parameter is None) == (self.ssm is None):
            raise ValueError("set exactly one of 'parameter' or 'ssm' (where the group's id comes from)")
        return self

    @property
    def stack_parameter(self) -> str:
        """The service stack's parameter that holds the id."""
        return self.parameter if self.parameter is not None else ssm_parameter_name(self.ssm)

    @property
    def source(self) -> str:
        """How the README and errors name it: the parameter, or ``ssm:/path``."""
        return self.parameter if self.parameter is not None else f"ssm:{self.ssm}"


def check(bp, issue) -> Iterator:
    """Each attached group once per service; its parameter not also another kind of parameter of the service."""
    for name, service in bp.services.items():
        seen: dict[str, int] = {}
        for index, group in enumerate(service.security_groups):
            key = group.stack_parameter
            if key not in seen:
                seen[key] = index
                continue
            first = service.security_groups[seen[key]]
            if first.source == group.source:
                yield issue(("services", name, "security_groups", index),
                            f"{group.source} is attached twice (also security_groups[{seen[key]}]; list each "
                            "group once)")
            else:  # two SSM paths, or a path and a parameter, that give the same parameter name
                yield issue(("services", name, "security_groups", index),
                            f"{group.source} would take the stack parameter {key}, as {first.source} does "
                            f"(security_groups[{seen[key]}]; give one of them another name)")
