"""Security groups and group-to-group rules, written into whichever stack the plan placed them in.

A group is named by ``GetAtt`` inside its own stack and by ``Fn::ImportValue`` of its exported id elsewhere
(:func:`group_id`), so a rule in a service's stack can join a group of a firewall shard to one of a balancer stack.
"""
from __future__ import annotations

from troposphere import GetAtt, Ref, Sub, Tags, Template
from troposphere import ec2

from generator.emit import exports
from generator.emit.scanner_metadata import PORT_80_REDIRECT, add_suppressions, checkov_metadata
from generator.plan import Layout
from generator.plan.security_groups import PLACEHOLDER_TO_PORT, CidrRule, PrefixListRule


def _inline(rule: CidrRule) -> ec2.SecurityGroupRule:
    """An inline CIDR rule; the placeholder uses ICMP type 252 / code 86, which no packet carries."""
    to_port = PLACEHOLDER_TO_PORT if rule.placeholder else rule.port
    address = {"CidrIpv6": rule.cidr} if ":" in rule.cidr else {"CidrIp": rule.cidr}
    return ec2.SecurityGroupRule(IpProtocol=rule.protocol, FromPort=rule.port, ToPort=to_port,
                                 Description=rule.description, **address)


def _prefix_list(rule: PrefixListRule) -> ec2.SecurityGroupRule:
    """An inline ingress rule from a managed prefix list: its literal id, or the stack parameter holding it."""
    source = rule.prefix_list if rule.prefix_list else Ref(rule.parameter)
    return ec2.SecurityGroupRule(SourcePrefixListId=source, IpProtocol=rule.protocol,
                                 FromPort=rule.port, ToPort=rule.port, Description=rule.description)


#: Groups other stacks name (tasks attach them, rules join them): their ids are exported.
EXPORTED_KINDS = {"service": "tasks", "database": "database", "load_balancer": "load balancer",
                  "targets": "load balancer's targets",
                  "endpoint_client": "VPC endpoint clients"}


def group_id(layout: Layout, stack_name: str, logical_id: str):
    """The id of a group from ``stack_name``: ``GetAtt`` in the group's own stack, else the import of its export."""
    home = layout.placement.groups[logical_id]
    if home == stack_name:
        return GetAtt(logical_id, "GroupId")
    return exports.import_value(home, exports.group_id(logical_id))


def add_security_groups(template: Template, layout: Layout, stack_name: str, vpc_id) -> None:
    """The groups placed in ``stack_name`` with their inline CIDR rules, and the exports of those others name."""
    for group in layout.groups_in(stack_name):
        props = dict(GroupDescription=group.description, VpcId=vpc_id,
                     SecurityGroupEgress=[_inline(rule) for rule in group.egress],
                     Tags=Tags(Name=Sub("${AWS::StackName}-" + group.logical_id)))
        if group.ingress or group.prefix_ingress:
            props["SecurityGroupIngress"] = ([_inline(rule) for rule in group.ingress]
                                             + [_prefix_list(rule) for rule in group.prefix_ingress])
        if group.redirects_http:  # a plan decision, never inferred from the rules' shape
            props["Metadata"] = checkov_metadata(PORT_80_REDIRECT)
        resource = template.add_resource(ec2.SecurityGroup(group.logical_id, **props))
        if group.public_listeners:  # declared public ports of an internet-facing network balancer
            listed = ", ".join(f"{port} ({service})" for port, service in group.public_listeners)
            add_suppressions(resource, stackprint=(("SG005", f"the listener ports of internet-facing network load "
                                                             f"balancer {group.owner}, declared by its routes: "
                                                             f"{listed}"),))
        if group.owner_kind in EXPORTED_KINDS:
            exports.export(template, stack_name, exports.group_id(group.logical_id),
                           GetAtt(group.logical_id, "GroupId"),
                           f"Security group of the {group.owner} {EXPORTED_KINDS[group.owner_kind]}")


def add_rules(template: Template, layout: Layout, stack_name: str) -> list[str]:
    """The standalone group-to-group rules placed in ``stack_name``; returns their logical ids (a service's ECS
    service waits for them)."""
    placed = layout.rules_in(stack_name)
    for rule in placed:
        common = dict(GroupId=group_id(layout, stack_name, rule.group), IpProtocol=rule.protocol,
                      FromPort=rule.port, ToPort=rule.port, Description=rule.description)
        if rule.direction == "ingress":
            template.add_resource(ec2.SecurityGroupIngress(
                rule.logical_id, SourceSecurityGroupId=group_id(layout, stack_name, rule.peer), **common))
        else:
            template.add_resource(ec2.SecurityGroupEgress(
                rule.logical_id, DestinationSecurityGroupId=group_id(layout, stack_name, rule.peer), **common))
    return [rule.logical_id for rule in placed]
