"""Attached security groups as the service stacks build them: one stack parameter per group, and the per-interface
limit checked against the groups the compiler already puts on the tasks (:mod:`generator.plan.stacks`)."""
from __future__ import annotations

from dataclasses import dataclass

#: CloudFormation resolves these parameter types at deploy time and refuses an id that is not a group of the region.
GROUP_ID_TYPE = "AWS::EC2::SecurityGroup::Id"
SSM_GROUP_ID_TYPE = f"AWS::SSM::Parameter::Value<{GROUP_ID_TYPE}>"


@dataclass(frozen=True)
class AttachedGroupPlan:
    """A group made elsewhere that a service's tasks wear: the service stack's parameter holding its id (its
    ``Default`` is the SSM path when the id comes from SSM), and the blueprint's reason."""

    parameter: str
    ssm: str | None
    reason: str

    @property
    def source(self) -> str:
        """How the README names where the id comes from."""
        return f"SSM parameter `{self.ssm}`" if self.ssm else f"stack parameter `{self.parameter}`"


def attached_group_plans(service) -> tuple[AttachedGroupPlan, ...]:
    """The service's attached groups in the order written (the model refused duplicates)."""
    return tuple(AttachedGroupPlan(group.stack_parameter, group.ssm, group.reason)
                 for group in service.security_groups)
