"""Emitters: the Layout turned into troposphere Templates, one module per resource family.

``templates(layout)`` returns ``{stack_name: Template}`` in deploy order; nothing here decides policy (the plan did).
"""
from __future__ import annotations

from troposphere import Ref, Template

from generator.emit import (attached_groups, balancers, capacity, data, default_group, existing_network, exports,
                            guardrails, ipv6, network, security, services, vpc_endpoints)
from generator.emit.data import KMS_PLACEHOLDER
from generator.emit.parameters import StackParameter
from generator.plan import Layout, Stack

__all__ = ["templates", "stack_parameters", "StackParameter", "KMS_PLACEHOLDER"]


def network_template(layout: Layout, stack_name: str) -> Template:
    """VPC, subnets, routes, NAT, flow log, cluster, VPC endpoints and their groups, the default group's restriction,
    the balancers' access-log bucket: what does not grow with the services (docs/output.md)."""
    template = Template(Description=f"stackprint {layout.name} {layout.env}: network")
    template.set_version("2010-09-09")
    if layout.network.managed:
        network.add_vpc(template, layout)
        ipv6.add_dual_stack(template, layout)
    else:  # an existing VPC: its ids are parameters, and no network resource is created (emit/existing_network.py)
        for parameter in existing_network.parameters(layout):
            parameter.add_to(template)
        existing_network.add_parameter_groups(template, layout)
    network.add_logs_key(template, stack_name)
    if layout.network.managed:
        network.add_flow_log(template)
    network.add_cluster(template)
    capacity.add_cluster_providers(template, layout)
    network.add_discovery_namespace(template, layout, stack_name)
    security.add_security_groups(template, layout, stack_name, existing_network.vpc_id(layout))
    security.add_rules(template, layout, stack_name)
    vpc_endpoints.add_endpoints(template, layout)
    if layout.network.managed:
        default_group.add_default_group_restriction(template, layout)
    balancers.add_log_bucket(template, layout, stack_name)
    network.add_exports(template, layout, stack_name)
    return template


def firewall_template(layout: Layout, stack_name: str, shard: int) -> Template:
    """One firewall shard: the security groups of the services and databases hashed to it, ids exported."""
    template = Template(Description=f"stackprint {layout.name} {layout.env}: security groups, shard {shard}")
    template.set_version("2010-09-09")
    network_name = layout.stack_of("network").name
    security.add_security_groups(template, layout, stack_name,
                                 exports.import_value(network_name, exports.VPC_ID))
    return template


def templates(layout: Layout) -> dict[str, Template]:
    """Every stack's template, keyed by stack name, in deploy order."""
    result = {}
    for stack in layout.stacks:
        if stack.kind == "network":
            result[stack.name] = network_template(layout, stack.name)
        elif stack.kind == "firewall":
            result[stack.name] = firewall_template(layout, stack.name, stack.shard)
        elif stack.kind == "balancer":
            result[stack.name] = balancers.balancer_template(layout, stack.balancer, stack.name)
        elif stack.kind == "data":
            result[stack.name] = data.data_template(layout, stack.name)
        elif stack.kind == "guardrails":
            result[stack.name] = guardrails.guardrails_template(layout, stack.name)
        else:
            result[stack.name] = services.service_template(layout, stack.service, stack.name)
    return result


def stack_parameters(layout: Layout, stack: Stack) -> list[StackParameter]:
    """What a pipeline must supply to ``stack``, from the emitters that declared the parameters."""
    if stack.kind == "balancer":
        return balancers.parameters(next(b for b in layout.balancers if b.name == stack.balancer))
    if stack.kind == "data":
        return data.parameters(layout)
    if stack.kind == "guardrails":
        return guardrails.parameters(layout)
    if stack.kind == "network":
        return existing_network.parameters(layout)
    if stack.kind == "service":
        return attached_groups.parameters(layout.service(stack.service))
    return []
