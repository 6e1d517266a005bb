"""Which resources a security group is attached to, and whether the template leaves that unknowable.

Attachment is read from the properties AWS uses to put a group on a network interface: ``SecurityGroupIds`` /
``SecurityGroups`` (instances, launch templates, load balancers, ECS services' ``AwsvpcConfiguration``, Lambda
``VpcConfig``, VPC endpoints, ElastiCache, EFS mount targets…), ``VPCSecurityGroups`` / ``VpcSecurityGroupIds``
(RDS, Aurora, Redshift…), ``GroupSet`` (ENIs) and ``Groups`` (network interfaces of instances and launch templates),
wherever they are nested.

A group's id can also leave the template (an ``Output``, a nested stack's parameter, a custom resource, a string
built with ``Fn::Sub``): then it may be attached elsewhere, and the audit must not call it unused. Being the source
or destination of another group's rule is not attachment.
"""
from __future__ import annotations

from functools import cached_property

from generator.audit.resolve import Template, references_in

ATTACH_KEYS = frozenset({"SecurityGroupIds", "SecurityGroups", "VPCSecurityGroups", "VpcSecurityGroupIds",
                         "GroupSet", "Groups", "SecurityGroupIdList", "VpcSecurityGroupIdList"})
LOAD_BALANCER_TYPES = frozenset({"AWS::ElasticLoadBalancingV2::LoadBalancer",
                                 "AWS::ElasticLoadBalancing::LoadBalancer"})
# Interfaces that never get a public address, whatever their group allows: an interface VPC endpoint, an EFS
# mount target and a Lambda function's VPC interfaces answer only inside the VPC (and what is peered or routed to
# it), so internet-open ingress on their groups reaches nothing from the internet (NET003 skips them).
PRIVATE_ONLY_TYPES = frozenset({"AWS::EC2::VPCEndpoint", "AWS::EFS::MountTarget", "AWS::Lambda::Function"})
_RULE_TYPES = frozenset({"AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"})


class Attachments:
    """Attachment facts for every security group of a template, computed in one pass over the template."""

    def __init__(self, template: Template):
        self.template = template

    @cached_property
    def _scan(self) -> tuple[dict, set, dict]:
        """(group → set of attaching resource types, groups mentioned anywhere else, group → what mentions it:
        resource types and template sections)."""
        template = self.template
        groups = set(template.by_type.get("AWS::EC2::SecurityGroup", ()))
        attached: dict[str, set] = {}
        maybe: dict[str, set] = {}
        mentioned: set[str] = set()
        mentioned_by: dict[str, set] = {}
        if not groups:
            return attached, mentioned, mentioned_by
        for logical_id, resource in template.resources.items():
            kind = resource["Type"]
            if kind in _RULE_TYPES:
                continue
            props = resource.get("Properties")
            if kind == "AWS::EC2::SecurityGroup":
                if isinstance(props, dict):
                    rest = {k: v for k, v in props.items()
                            if k not in ("SecurityGroupIngress", "SecurityGroupEgress")}
                    for group in references_in(rest) & groups:
                        mentioned.add(group)
                        mentioned_by.setdefault(group, set()).add(kind)
                continue
            for value, conditional in _attach_values(props):
                # Each item of a list is judged alone: an Fn::If item is only possible, the plain items beside it
                # are certain (one conditional item must not hide the others' exposure).
                for item in (value if isinstance(value, list) else [value]):
                    for group in references_in(item) & groups:
                        # Under Fn::If the attachment may not exist: it counts as use (SG007), not as exposure.
                        uncertain = conditional or "Condition" in resource or _has_condition(item)
                        (maybe if uncertain else attached).setdefault(group, set()).add(kind)
            everything = references_in(props)
            everything |= references_in({k: v for k, v in resource.items() if k not in ("Properties", "Type")})
            for group in everything & groups:
                mentioned.add(group)
                mentioned_by.setdefault(group, set()).add(kind)
        for section in ("Outputs", "Conditions", "Rules"):
            for group in references_in(template.doc.data.get(section)) & groups:
                mentioned.add(group)
                mentioned_by.setdefault(group, set()).add(section)
        mentioned.update(maybe)
        for group, kinds in maybe.items():
            mentioned_by.setdefault(group, set()).update(kinds)
        return attached, mentioned, mentioned_by

    def attached_types(self, group_id: str) -> set:
        """Types of the template's resources that certainly put ``group_id`` on an interface (not under a
        condition); empty if none."""
        return self._scan[0].get(group_id, set())

    def used_anywhere(self, group_id: str) -> bool:
        """Whether the group is attached, or its id is mentioned somewhere that may attach it out of sight."""
        return bool(self.attached_types(group_id)) or group_id in self._scan[1]

    def exported(self, group_id: str) -> bool:
        """Whether the group's id leaves the template through an output (other stacks may attach it, or write
        standalone rules on it that this template cannot see)."""
        return "Outputs" in self._scan[2].get(group_id, set())

    def only_worn_by(self, group_id: str, kinds) -> bool:
        """Whether resources of ``kinds`` certainly wear the group and nothing else in the template can: no other
        resource, output, condition or conditional attachment mentions it, and no transform adds resources."""
        attached = self.attached_types(group_id)
        if not attached or self.template_is_open():
            return False
        return self._scan[2].get(group_id, set()) <= set(kinds)

    def template_is_open(self) -> bool:
        """A template with a ``Transform`` (SAM, macros) gains resources at deploy time: attachment is unknown."""
        return "Transform" in self.template.doc.data


def _attach_values(props):
    """Every ``(value, conditional)`` under ``props`` whose key is an attachment property, at any depth;
    ``conditional`` is true when the path to it passes through ``Fn::If``."""
    stack = [(props, False)]
    while stack:
        item, conditional = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ATTACH_KEYS:
                    yield value, conditional
                else:
                    stack.append((value, conditional or key == "Fn::If"))
        elif isinstance(item, list):
            stack.extend((value, conditional) for value in item)


def _has_condition(value) -> bool:
    """Whether ``value`` contains an ``Fn::If`` anywhere (its references are then only possible)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "Fn::If" in item:
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
