"""Every security group and rule of the environment, in the network stack (one diff for a security review)."""
from __future__ import annotations

from troposphere import GetAtt, Ref, Sub, Tags, Template
from troposphere import ec2

from generator.emit import exports
from generator.emit.scanner_metadata import PORT_80_REDIRECT, checkov_metadata
from generator.plan import Layout
from generator.plan.security_groups import PLACEHOLDER_TO_PORT, CidrRule, PrefixListRule


def _inline(rule: CidrRule) -> ec2.SecurityGroupRule:
    """An inline CIDR rule; the placeholder uses ICMP type 252 / code 86, which no packet carries."""
    to_port = PLACEHOLDER_TO_PORT if rule.placeholder else rule.port
    return ec2.SecurityGroupRule(CidrIp=rule.cidr, IpProtocol=rule.protocol, FromPort=rule.port, ToPort=to_port,
                                 Description=rule.description)


def _prefix_list(rule: PrefixListRule) -> ec2.SecurityGroupRule:
    """An inline ingress rule from a managed prefix list whose id the stack takes as a parameter."""
    return ec2.SecurityGroupRule(SourcePrefixListId=Ref(rule.parameter), IpProtocol=rule.protocol,
                                 FromPort=rule.port, ToPort=rule.port, Description=rule.description)


def add_security_groups(template: Template, layout: Layout, stack_name: str) -> None:
    """Groups with inline CIDR rules, standalone group-to-group rules, and the exports services attach."""
    for group in layout.groups:
        props = dict(GroupDescription=group.description, VpcId=Ref("Vpc"),
                     SecurityGroupEgress=[_inline(rule) for rule in group.egress],
                     Tags=Tags(Name=Sub("${AWS::StackName}-" + group.logical_id)))
        if group.ingress or group.prefix_ingress:
            props["SecurityGroupIngress"] = ([_inline(rule) for rule in group.ingress]
                                             + [_prefix_list(rule) for rule in group.prefix_ingress])
        if group.redirects_http:  # a plan decision, never inferred from the rules' shape
            props["Metadata"] = checkov_metadata(PORT_80_REDIRECT)
        template.add_resource(ec2.SecurityGroup(group.logical_id, **props))
        if group.owner_kind == "service":
            exports.export(template, stack_name, exports.group_id(group.logical_id),
                           GetAtt(group.logical_id, "GroupId"), f"Security group of the {group.owner} tasks")
        elif group.owner_kind == "database":
            exports.export(template, stack_name, exports.group_id(group.logical_id),
                           GetAtt(group.logical_id, "GroupId"), f"Security group of the {group.owner} database")
    for rule in layout.rules:
        common = dict(GroupId=GetAtt(rule.group, "GroupId"), IpProtocol=rule.protocol, FromPort=rule.port,
                      ToPort=rule.port, Description=rule.description)
        if rule.direction == "ingress":
            template.add_resource(ec2.SecurityGroupIngress(
                rule.logical_id, SourceSecurityGroupId=GetAtt(rule.peer, "GroupId"), **common))
        else:
            template.add_resource(ec2.SecurityGroupEgress(
                rule.logical_id, DestinationSecurityGroupId=GetAtt(rule.peer, "GroupId"), **common))
