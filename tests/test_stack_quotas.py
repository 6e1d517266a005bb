"""Stacks stay within CloudFormation's quotas as a blueprint grows, and growth moves nothing (docs/output.md).

Every stack of a 500-service build is checked against the per-stack quotas (500 resources, 200 outputs, 200
parameters, 1 MB of template), every security group against 60 rules per direction, every task against 5 groups per
network interface; every import must come from a stack listed in ``depends_on``. Built with ``gates=[]`` (the
layout is what is tested); 50-service builds go through the real gates (cfn-lint and the audit) once. None is
marked slow: on the 2-core project machine, idle, they take 35 s, 15 s and 20 s (under 60 s each).
"""
from __future__ import annotations

import json
from collections import Counter

import pytest
import yaml

from generator.compile import compile_blueprints
from generator.emit import templates
from generator.emit.quotas import BODY_BYTES, OUTPUTS, PARAMETERS, RESOURCES
from generator.model import load_blueprint_text
from generator.plan import plan
from generator.plan.security_groups import RULE_QUOTA
from generator.plan.stacks import GROUPS_PER_INTERFACE
from scale_blueprints import own_balancers, shared_balancer


class _Loader(yaml.CSafeLoader):
    """libyaml with CloudFormation's short-form tags kept as ``{"Fn::X": value}`` (fast enough for 1,000 files)."""


def _tagged(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {"Ref" if suffix == "Ref" else f"Fn::{suffix}": value}


_Loader.add_multi_constructor("!", _tagged)


def _environment(tmp_path, name: str, text: str, gates=()):
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    build = compile_blueprints([str(path)], gates=list(gates))
    (environment,) = build.environments
    return build, environment


def _parsed(environment) -> dict[str, tuple[dict, int]]:
    """Stack name -> (template, body bytes)."""
    found = {}
    for entry in json.loads(environment.files["stacks.json"]):
        body = environment.files[entry["template"]]
        found[entry["stack_name"]] = (yaml.load(body, Loader=_Loader), len(body))
    return found


def _imports(value) -> list[str]:
    found = []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += [inner] if key == "Fn::ImportValue" and isinstance(inner, str) else _imports(inner)
    elif isinstance(value, list):
        for inner in value:
            found += _imports(inner)
    return found


def check_layout(environment) -> dict[str, tuple[int, int, int, int]]:
    """Assert every quota and the deploy order of one environment; returns stack -> (resources, outputs,
    parameters, bytes) for the report."""
    stacks = json.loads(environment.files["stacks.json"])
    parsed = _parsed(environment)
    usage = {}
    exporters, order = {}, {}
    for position, entry in enumerate(stacks):
        name = entry["stack_name"]
        template, size = parsed[name]
        counts = (len(template.get("Resources", {})), len(template.get("Outputs", {})),
                  len(template.get("Parameters", {})), size)
        usage[name] = counts
        assert counts[0] <= RESOURCES and counts[1] <= OUTPUTS and counts[2] <= PARAMETERS and size <= BODY_BYTES, \
            f"{name}: {counts}"
        assert len(name) <= 128
        order[name] = position
        for output in template.get("Outputs", {}).values():
            export = output["Export"]["Name"]
            assert export not in exporters, f"{export} exported twice"
            exporters[export] = name
    for entry in stacks:  # every import comes from a stack deployed before, and listed in depends_on
        name = entry["stack_name"]
        assert all(order[d] < order[name] for d in entry["depends_on"]), name
        for imported in _imports(parsed[name][0].get("Resources", {})):
            assert exporters.get(imported) in entry["depends_on"], f"{name} imports {imported} from " \
                                                                  f"{exporters.get(imported)}, not in depends_on"
    _check_security_groups(parsed)
    return usage


def _check_security_groups(parsed: dict) -> None:
    """At most 60 rules per group and direction (inline and standalone, across stacks), at most 5 groups per
    interface (an ECS service's or a balancer's group list)."""
    rules: Counter = Counter()
    for stack, (template, _) in parsed.items():
        for logical_id, resource in template.get("Resources", {}).items():
            props = resource.get("Properties", {})
            if resource["Type"] == "AWS::EC2::SecurityGroup":
                key = (stack, logical_id)
                rules[key, "in"] += len(props.get("SecurityGroupIngress", []))
                rules[key, "out"] += len([r for r in props.get("SecurityGroupEgress", [])
                                          if r.get("CidrIp") != "255.255.255.255/32"])
            elif resource["Type"] in ("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"):
                group = props["GroupId"]
                key = group.get("Fn::ImportValue") or (stack, group["Fn::GetAtt"][0])
                rules[key, "in" if resource["Type"].endswith("Ingress") else "out"] += 1
            elif resource["Type"] == "AWS::ECS::Service":
                groups = props["NetworkConfiguration"]["AwsvpcConfiguration"]["SecurityGroups"]
                assert len(groups) <= GROUPS_PER_INTERFACE, (stack, groups)
    worst = max(rules.values())
    assert worst <= RULE_QUOTA, [key for key, count in rules.items() if count == worst]


def _report(title: str, usage: dict) -> None:
    """The figures the issue asks for: biggest stack of each kind."""
    kinds: dict = {}
    for name, counts in usage.items():
        kind = name.split("-")[2] if name.split("-")[2] in ("network", "firewall", "lb", "data") else "service"
        best = kinds.get(kind)
        if best is None or counts[3] > best[1][3]:
            kinds[kind] = (name, counts)
    print(f"\n{title}: {len(usage)} stacks")
    for kind, (name, (resources, outputs, parameters, size)) in sorted(kinds.items()):
        print(f"  largest {kind:8} {name}: {resources} resources, {outputs} outputs, {parameters} parameters, "
              f"{size:,} bytes")


def test_500_services_with_their_own_balancers_fit_every_quota(tmp_path):
    _, environment = _environment(tmp_path, "scale", own_balancers(500))
    usage = check_layout(environment)
    _report("500 services, own balancers, 50 databases", usage)
    assert len(usage) == 1 + 8 + 500 + 1 + 500  # network, 8 firewall shards, balancers, data, services


def test_500_services_sharing_one_balancer_fit_every_quota(tmp_path):
    """One balancer routes to 500 services on 4 ports: its group needs 4 egress rules, not 500."""
    _, environment = _environment(tmp_path, "shared", shared_balancer(500))
    usage = check_layout(environment)
    _report("500 services, one shared balancer", usage)
    lb = _parsed(environment)["shared-default-lb-public"][0]["Resources"]
    assert sorted(k for k, r in lb.items() if r["Type"] == "AWS::EC2::SecurityGroupEgress") == [
        f"PublicLoadBalancerEgressToTargets{port}" for port in (8080, 8081, 8082, 8083)]


def _layout(text: str):
    (bp,) = load_blueprint_text(text, "scale.yaml").values()
    return plan(bp)


def _placed(text: str) -> set[tuple[str, str, str]]:
    """(stack, section, logical id) of every resource, output and parameter, from the emitted templates."""
    return {(stack, section, logical_id) for stack, template in templates(_layout(text)).items()
            for section in ("resources", "outputs", "parameters") for logical_id in getattr(template, section)}


@pytest.mark.parametrize("before, after", [
    (own_balancers(30), own_balancers(31)),  # a service with its own balancer, calling no one, called by svc029
    (shared_balancer(40), shared_balancer(41)),  # one more service behind the shared balancer, on an existing port
    (own_balancers(30, databases_every=0), own_balancers(30)),  # databases added to existing services
    (own_balancers(30), own_balancers(30).replace(
        "load_balancers:\n", "load_balancers:\n  extra: {scheme: internal}\n", 1).replace(
        "services:\n", "services:\n  extra: {image: public.ecr.aws/nginx/nginx:1.27, port: 9000, "
                       "route: {load_balancer: extra}, flows: [svc005, db010]}\n  caller: {image: "
                       "public.ecr.aws/nginx/nginx:1.27, flows: [extra, svc007]}\n", 1)),
], ids=["service-with-own-balancer", "service-behind-shared-balancer", "databases", "internal-balancer-and-callers"])
def test_growth_moves_no_resource_between_stacks(before, after):
    """Everything the smaller layout places stays where it was, under the same logical id, when the blueprint
    grows (and so comes back when it shrinks): no resource, output or parameter changes stack, no stack is
    renamed; a logical id unique in the environment is never found in another stack."""
    old, new = _placed(before), _placed(after)
    assert old <= new, sorted(old - new)[:5]
    homes = {}
    for stack, section, logical_id in new:
        homes.setdefault((section, logical_id), set()).add(stack)
    for stack, section, logical_id in old:
        assert homes[section, logical_id] == {stack} or len(homes[section, logical_id]) > 1


def test_a_firewall_shard_past_the_output_quota_is_refused_at_the_group_owner():
    """Only a blueprint far beyond the documented limit gets there: about 1,600 services fill the 8 shards."""
    from generator.errors import InputError

    lines = ["name: huge", "network: {cidr: 10.0.0.0/16, availability_zones: 2, nat: single}", "services:"]
    lines += [f"  s{i}: {{image: public.ecr.aws/nginx/nginx:1.27}}" for i in range(1800)]
    with pytest.raises(InputError) as raised:
        _layout("\n".join(lines) + "\n")
    assert "would export more than 200 security groups" in str(raised.value)
    assert str(raised.value).startswith("scale.yaml:")


def test_50_services_pass_cfn_lint_and_the_audit(tmp_path):
    """Both 50-service layouts through the real gates: cfn-lint 0 matches, the audit 0 findings at any severity."""
    (tmp_path / "own.yaml").write_text(own_balancers(50, name="own"))
    (tmp_path / "shared.yaml").write_text(shared_balancer(50, name="shared"))
    build = compile_blueprints([str(tmp_path / "own.yaml"), str(tmp_path / "shared.yaml")])
    assert build.findings == []
    for environment in build.environments:
        _report(f"50 services ({environment.blueprint})", check_layout(environment))


def test_a_shared_balancer_needs_one_egress_rule_per_port_not_per_service():
    """200 services behind one balancer on 4 ports: the plan's rule count per group and direction stays tiny, and
    each task wears exactly its own group and the balancer's targets group."""
    layout = _layout(shared_balancer(200))
    counts = Counter((rule.group, rule.direction) for rule in layout.rules)
    assert counts["PublicLoadBalancerSecurityGroup", "egress"] == 4
    assert max(counts.values()) == 4
    assert {groups for groups in layout.placement.interfaces.values()} == {
        (f"Svc{i:03}TaskSecurityGroup", "PublicLoadBalancerTargetsSecurityGroup") for i in range(200)}


def test_layouts_that_cannot_fit_the_rule_quota_are_still_refused_at_their_position():
    """61 callers of one service, or a shared balancer over 61 container ports, truly need 61 rules on one group."""
    from generator.errors import InputError

    callers = "name: fan\nnetwork: {cidr: 10.0.0.0/16, availability_zones: 2, nat: single}\nservices:\n" \
              "  hub: {image: public.ecr.aws/nginx/nginx:1.27, port: 8080}\n" + "".join(
                  f"  c{i}: {{image: public.ecr.aws/nginx/nginx:1.27, flows: [hub]}}\n" for i in range(61))
    with pytest.raises(InputError) as raised:
        _layout(callers)
    assert str(raised.value).startswith("scale.yaml:4:8: services.hub: the security group of hub needs 61 inbound")
    with pytest.raises(InputError) as raised:
        _layout(shared_balancer(61, ports=61))
    assert "load_balancers.public: the security group of public needs 61 outbound rules" in str(raised.value)
    _layout(shared_balancer(60, ports=60))  # 60 fits
