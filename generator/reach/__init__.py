"""Reachability of one environment's rendered templates (issue 10, part 2).

Public API (used by ``stackprint reach``, by the build's ``expect:`` proof and, later, by the environment report)::

    from generator.reach import analyse, from_paths, from_texts
    reach = analyse(from_paths(["out/web-api/prod"]))
    for verdict in reach.verdicts:      # per service, database and instance
        verdict.internet, verdict.internet_paths, verdict.callers, verdict.outbound
    reach.nodes, reach.edges            # the graph the verdicts were proven on, edges labelled by port
    reach.subnets, reach.placements     # every subnet (zone, route) and where each workload/balancer/NAT/endpoint sits

Resolving one value across the stacks (used by ``stackprint drift`` for the expected security-group rules)::

    from generator.reach import Evaluator, Stack, Res, Unknown, group_key
    evaluator = Evaluator([Stack(name, doc), ...])
    evaluator.eval(name, value)         # a Res (resource), text, list, None or Unknown, following Fn::ImportValue
    group_key(evaluator, name, value)   # (stack, logical_id) of a template group, ("", "sg-…") or Unknown

Works on any CloudFormation templates (hand-written, CDK, other generators): exports are resolved across the stacks
given, and anything known only at deploy time is reported as unknown, never as safe.
"""
from generator.reach.analysis import Caller, Edge, Node, Path, Placement, Reach, SubnetView, Verdict, analyse
from generator.reach.firewall import NO, UNKNOWN, YES, group_key
from generator.reach.sources import from_paths, from_texts
from generator.reach.values import Evaluator, Res, Stack, Unknown

__all__ = ["analyse", "from_paths", "from_texts", "Reach", "Verdict", "Caller", "Path", "Node", "Edge",
           "SubnetView", "Placement",
           "YES", "NO", "UNKNOWN",
           "Evaluator", "Stack", "Res", "Unknown", "group_key"]
