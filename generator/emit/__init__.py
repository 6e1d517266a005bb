"""Emitters: the Layout turned into troposphere Templates, one module per resource family.

``templates(layout)`` returns ``{stack_name: Template}`` in deploy order; nothing here decides policy (the plan did).
"""
from __future__ import annotations

from troposphere import Template

from generator.emit import balancers, data, default_group, guardrails, network, security, services, vpc_endpoints
from generator.emit.data import KMS_PLACEHOLDER
from generator.emit.parameters import StackParameter
from generator.plan import Layout, Stack

__all__ = ["templates", "stack_parameters", "StackParameter", "KMS_PLACEHOLDER"]


def network_template(layout: Layout, stack_name: str) -> Template:
    """VPC, subnets, routes, NAT, flow log, cluster, every security group and rule, VPC endpoints, the default
    group's restriction, balancers."""
    template = Template(Description=f"stackprint {layout.name} {layout.env}: network, load balancers, security groups")
    template.set_version("2010-09-09")
    network.add_vpc(template, layout)
    network.add_logs_key(template, stack_name)
    network.add_flow_log(template)
    network.add_cluster(template)
    network.add_discovery_namespace(template, layout, stack_name)
    security.add_security_groups(template, layout, stack_name)
    vpc_endpoints.add_endpoints(template, layout)
    default_group.add_default_group_restriction(template, layout)
    balancers.add_balancers(template, layout, stack_name)
    network.add_exports(template, layout, stack_name)
    return template


def templates(layout: Layout) -> dict[str, Template]:
    """Every stack's template, keyed by stack name, in deploy order."""
    result = {}
    for stack in layout.stacks:
        if stack.kind == "network":
            result[stack.name] = network_template(layout, stack.name)
        elif stack.kind == "data":
            result[stack.name] = data.data_template(layout, stack.name)
        elif stack.kind == "guardrails":
            result[stack.name] = guardrails.guardrails_template(layout, stack.name)
        else:
            result[stack.name] = services.service_template(layout, stack.service, stack.name)
    return result


def stack_parameters(layout: Layout, stack: Stack) -> list[StackParameter]:
    """What a pipeline must supply to ``stack``, from the emitters that declared the parameters."""
    if stack.kind == "network":
        return balancers.parameters(layout)
    if stack.kind == "data":
        return data.parameters(layout)
    if stack.kind == "guardrails":
        return guardrails.parameters(layout)
    return []
