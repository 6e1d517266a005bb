"""Attached security groups and Fargate Spot capacity: every wrong use is one positioned line (issue 15, items 5
and 6), and the right uses load. ``BASE`` (tests/model/conftest.py) is 12 lines; its service ``web`` is routed, so
its tasks already wear two of the compiler's groups."""
from __future__ import annotations

import pytest

from generator.errors import InputError, InputErrors
from generator.model import load_blueprint
from generator.plan import plan

P = "blueprints/shop.yaml"
FMS = 'reason: "Firewall Manager common group"'

CASES = [
    ("attached-without-reason", "    security_groups: [{parameter: CommonSecurityGroupId}]\n",
     [f"{P}:13:23: services.web.security_groups[0]: missing required key 'reason' (e.g. reason: Firewall Manager "
      "common group)"]),
    ("attached-short-reason", "    security_groups: [{parameter: CommonSecurityGroupId, reason: fw}]\n",
     [f"{P}:13:66: services.web.security_groups[0].reason: a reason of at least 10 characters is required (say why "
      "this is acceptable, for the security review)"]),
    ("attached-parameter-and-ssm", f"    security_groups: [{{parameter: CommonSecurityGroupId, ssm: /a/b, {FMS}}}]\n",
     [f"{P}:13:23: services.web.security_groups[0]: set exactly one of 'parameter' or 'ssm' (where the group's id "
      "comes from)"]),
    ("attached-neither", f"    security_groups: [{{{FMS}}}]\n",
     [f"{P}:13:23: services.web.security_groups[0]: set exactly one of 'parameter' or 'ssm' (where the group's id "
      "comes from)"]),
    ("attached-bad-parameter-name", f"    security_groups: [{{parameter: common-sg, {FMS}}}]\n",
     [f"{P}:13:35: services.web.security_groups[0].parameter: 'common-sg' is not a CloudFormation parameter name "
      "(letters and digits, e.g. CommonSecurityGroupId)"]),
    ("attached-bad-ssm-name", f"    security_groups: [{{ssm: network/sg, {FMS}}}]\n",
     [f"{P}:13:29: services.web.security_groups[0].ssm: 'network/sg' is not an SSM parameter name (a path of "
      "letters, digits and _ . -, starting with '/', e.g. /network/common-security-group-id)"]),
    ("attached-twice", f"    security_groups:\n      - {{parameter: CommonSecurityGroupId, {FMS}}}\n"
                       "      - {parameter: CommonSecurityGroupId, reason: \"the same group again\"}\n",
     [f"{P}:15:9: services.web.security_groups[1]: CommonSecurityGroupId is attached twice (also "
      "security_groups[0]; list each group once)"]),
    ("attached-ssm-twice", f"    security_groups:\n      - {{ssm: /net/common, {FMS}}}\n"
                           f"      - {{ssm: /net/common, {FMS}}}\n",
     [f"{P}:15:9: services.web.security_groups[1]: ssm:/net/common is attached twice (also security_groups[0]; "
      "list each group once)"]),
    ("attached-same-parameter-name", f"    security_groups:\n      - {{ssm: /net/common-sg, {FMS}}}\n"
                                     f"      - {{parameter: AttachedGroupNetCommonSg, {FMS}}}\n",
     [f"{P}:15:9: services.web.security_groups[1]: AttachedGroupNetCommonSg would take the stack parameter "
      "AttachedGroupNetCommonSg, as ssm:/net/common-sg does (security_groups[0]; give one of them another name)"]),
    ("spot-out-of-range", "    capacity: {spot: 120}\n",
     [f"{P}:13:22: services.web.capacity.spot: 120 is out of range (valid: 0..100)"]),
    ("spot-without-spot", "    count: 3\n    capacity: {on_demand_base: 1}\n",
     [f"{P}:14:5: services.web.capacity: missing required key 'spot' (e.g. spot: 70)"]),
    ("spot-single-task", "    capacity: {spot: 70}\n",
     [f"{P}:13:22: services.web.capacity.spot: with count 1 and no on-demand base the service's only task may run "
      "on Spot, and one interruption stops the service (set on_demand_base: 1, or state why that is acceptable in "
      "accept_interruption)"]),
    ("spot-scaling-from-one", "    scaling: {min: 1, max: 4}\n    capacity: {spot: 50}\n",
     [f"{P}:14:22: services.web.capacity.spot: with scaling min 1 and no on-demand base the service's only task may "
      "run on Spot, and one interruption stops the service (set on_demand_base: 1, or state why that is acceptable "
      "in accept_interruption)"]),
    ("spot-all-without-base", "    count: 3\n    capacity: {spot: 100}\n",
     [f"{P}:14:22: services.web.capacity.spot: spot 100 with no on-demand base puts every task on Spot, and one "
      "capacity reclaim can stop them all (set on_demand_base: 1 or more, or state why that is acceptable in "
      "accept_interruption)"]),
    ("spot-base-covers-count", "    count: 2\n    capacity: {spot: 70, on_demand_base: 2}\n",
     [f"{P}:14:42: services.web.capacity.on_demand_base: on_demand_base 2 covers every task the service runs "
      "(count 2), so none would run on Spot (at most 1, or leave capacity out)"]),
    ("spot-base-over-scaling-max", "    scaling: {min: 2, max: 4}\n    capacity: {spot: 70, on_demand_base: 9}\n",
     [f"{P}:14:42: services.web.capacity.on_demand_base: on_demand_base 9 covers every task the service runs "
      "(scaling max 4), so none would run on Spot (at most 3, or leave capacity out)"]),
    ("spot-zero-with-base", "    count: 3\n    capacity: {spot: 0, on_demand_base: 1}\n",
     [f"{P}:14:41: services.web.capacity.on_demand_base: with spot 0 every task is on-demand already (remove "
      "on_demand_base, or set spot above 0)"]),
    ("spot-zero-accepting", "    count: 3\n    capacity: {spot: 0, accept_interruption: \"nothing to accept here\"}\n",
     [f"{P}:14:46: services.web.capacity.accept_interruption: with spot 0 no task runs on Spot, so nothing can be "
      "interrupted (remove accept_interruption)"]),
]


def _lines(exc: InputError) -> list[str]:
    return [str(e) for e in (exc.errors if isinstance(exc, InputErrors) else [exc])]


@pytest.mark.parametrize("extra,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_wrong_use_is_one_positioned_line(write_blueprint, extra, expected):
    path = write_blueprint("BASE\n" + extra)
    with pytest.raises(InputError) as caught:
        load_blueprint(path)
    assert _lines(caught.value) == expected


def test_more_groups_than_an_interface_takes_is_refused_by_the_plan(write_blueprint):
    """The limit counts the compiler's own groups on the task (here its own and its balancer's targets group)."""
    extra = "    security_groups:\n" + "".join(
        f"      - {{parameter: Central{i}, reason: \"central group number {i}\"}}\n" for i in range(4))
    (bp,) = load_blueprint(write_blueprint("BASE\n" + extra)).values()
    with pytest.raises(InputError) as caught:
        plan(bp)
    assert _lines(caught.value) == [
        f"{P}:14:7: services.web.security_groups: the tasks would wear 6 security groups: 2 of the compiler's (its "
        "own, its balancer's targets group) and 4 attached (at most 5 per network interface: attach at most 3)"]
    (bp,) = load_blueprint(write_blueprint("BASE\n" + extra.rsplit("      - ", 1)[0])).values()
    assert len(plan(bp).service("web").attached_groups) == 3  # three fit


def test_right_uses_load_with_weights_in_lowest_terms(write_blueprint):
    text = ("BASE\n    count: 3\n    capacity: {spot: 70, on_demand_base: 1}\n"
            f"    security_groups: [{{ssm: /network/common, {FMS}}}, {{parameter: ScannerGroupId, {FMS}}}]\n"
            "  worker:\n    image: public.ecr.aws/nginx/nginx:1.27\n"
            "    capacity: {spot: 100, accept_interruption: \"batch jobs are retried from the queue\"}\n")
    (bp,) = load_blueprint(write_blueprint(text)).values()
    layout = plan(bp)
    web, worker = layout.service("web"), layout.service("worker")
    assert web.capacity.strategy == (("FARGATE", 1, 3), ("FARGATE_SPOT", 0, 7))
    assert worker.capacity.strategy == (("FARGATE", 0, 0), ("FARGATE_SPOT", 0, 1))
    assert [(g.parameter, g.ssm) for g in web.attached_groups] == [("AttachedGroupNetworkCommon", "/network/common"),
                                                                   ("ScannerGroupId", None)]
