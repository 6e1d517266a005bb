"""Reachability over an existing network (blueprints/brownfield.yaml): the subnets are parameters, so what depends
on their routes is unknown with the parameter named (never safe), an SSM-typed parameter's default is taken for the
SSM name it is (not for subnet ids), and what the firewall alone decides is still proven."""
from __future__ import annotations

from pathlib import Path

from generator.reach import analyse, from_paths
from generator.reach.values import Evaluator, Unknown

ENV = Path(__file__).resolve().parents[2] / "out" / "brownfield" / "default"


def _verdicts():
    return {v.name: v for v in analyse(from_paths([str(ENV)])).verdicts}


def test_what_the_routes_decide_is_unknown_and_says_which_parameter():
    api = _verdicts()["api"]
    assert api.internet == "unknown"
    assert api.internet_paths[0].reason == "parameter PublicSubnetIds of brownfield-default-network has no default"
    assert api.outbound == "unknown"
    assert any(p.reason and "read from SSM parameter /network/private-subnet-ids at deploy time" in p.reason
               for p in api.outbound_paths)


def test_what_the_firewall_decides_is_proven():
    verdicts = _verdicts()
    assert verdicts["worker"].internet == "no" and verdicts["worker"].callers == []
    assert sorted(c.source for c in verdicts["OrdersDatabase"].callers) == ["api", "worker"]
    assert verdicts["OrdersDatabase"].outbound == "none"


def test_list_and_ssm_parameters_evaluate_as_what_cloudformation_gives():
    from generator.load import Document
    from generator.reach.values import Stack

    template = {"Parameters": {
        "Ids": {"Type": "List<AWS::EC2::Subnet::Id>", "Default": "subnet-a, subnet-b"},
        "FromSsm": {"Type": "AWS::SSM::Parameter::Value<AWS::EC2::VPC::Id>", "Default": "/network/vpc-id"}},
        "Resources": {}}
    evaluator = Evaluator([Stack("s", Document("s.yaml", template))])
    assert evaluator.eval("s", {"Ref": "Ids"}) == ["subnet-a", "subnet-b"]
    found = evaluator.eval("s", {"Ref": "FromSsm"})
    assert isinstance(found, Unknown) and "/network/vpc-id" in found.reason
