"""Attached security groups in a service's stack: the parameters holding their ids, their place on the tasks'
network interface, and the audit's SG010 accepted with the blueprint's reasons.

A group given as ``parameter`` is a stack parameter of type ``AWS::EC2::SecurityGroup::Id`` whose config.json
value is a placeholder (deploy refuses it until someone supplies the id); one given as ``ssm`` is a parameter of
type ``AWS::SSM::Parameter::Value<AWS::EC2::SecurityGroup::Id>`` whose default is the SSM path, resolved by
CloudFormation at every deploy.
"""
from __future__ import annotations

from troposphere import Parameter, Ref, Template

from generator.emit.parameters import StackParameter
from generator.emit.scanner_metadata import add_suppressions
from generator.plan import ServicePlan
from generator.plan.attached_groups import GROUP_ID_TYPE, SSM_GROUP_ID_TYPE

GROUP_PLACEHOLDER = "REPLACE_WITH_SECURITY_GROUP_ID"
#: The audit rule that marks tasks wearing a group whose rules the templates do not hold.
EXTERNAL_GROUP_RULE = "SG010"


def parameters(service: ServicePlan) -> list[StackParameter]:
    """What a pipeline must supply to the service's stack: the id of each group attached by parameter."""
    return [StackParameter(group.parameter, f"Id of a security group managed outside stackprint that the "
                                            f"{service.name} tasks also wear: {group.reason}"[:4000],
                           "", "must be the id of a security group in the stack's region", GROUP_PLACEHOLDER,
                           type=GROUP_ID_TYPE)
            for group in service.attached_groups if group.ssm is None]


def add_parameters(template: Template, service: ServicePlan) -> None:
    """Declare each attached group's parameter on the service's template (SSM ones with their path as default)."""
    for parameter in parameters(service):
        parameter.add_to(template)
    for group in service.attached_groups:
        if group.ssm is not None:
            template.add_parameter(Parameter(
                group.parameter, Type=SSM_GROUP_ID_TYPE, Default=group.ssm,
                Description=f"SSM parameter holding the id of a security group managed outside stackprint that "
                            f"the {service.name} tasks also wear: {group.reason}"[:4000]))


def group_refs(service: ServicePlan) -> list[Ref]:
    """The attached groups' ids, after the compiler's own groups on the tasks' interface."""
    return [Ref(group.parameter) for group in service.attached_groups]


def accept_external(resource, service: ServicePlan) -> None:
    """SG010 flags the ECS service for wearing groups whose rules are elsewhere; the blueprint stated why, so the
    finding is accepted with those words (SARIF lists it as suppressed, with the reason)."""
    if not service.attached_groups:
        return
    reason = "; ".join(f"{group.parameter}: {group.reason}" for group in service.attached_groups)
    add_suppressions(resource, stackprint=((EXTERNAL_GROUP_RULE, f"attached groups managed elsewhere ({reason})"),))
