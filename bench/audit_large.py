"""Benchmark: audit a generated 5,000-resource CloudFormation template in-process and print the timings.

The target is under 2 s for load + audit on a 2-core machine. The template is made of 1,000 units of five
resources (a security group with inline rules, a standalone ingress, a standalone egress, an instance and an ECS
service using the group); every tenth unit opens SSH to the internet, so the expected findings are known:
per bad unit one SG001, one SG005 and one NET003.

Usage: .venv/bin/python bench/audit_large.py [--resources 5000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from generator.audit import audit_document, load_template  # noqa: E402

RESOURCES_PER_UNIT = 5
BAD_EVERY = 10


def generate_template(resources: int = 5000) -> str:
    """YAML text of a template with ``resources`` resources (rounded down to whole units)."""
    out = ['AWSTemplateFormatVersion: "2010-09-09"', "Description: generated audit benchmark", "Resources:"]
    for i in range(resources // RESOURCES_PER_UNIT):
        bad = i % BAD_EVERY == 0
        cidr = f"10.{i // 256}.{i % 256}.0/24"
        port = 1024 + i
        out += [
            f"  Group{i}:",
            "    Type: AWS::EC2::SecurityGroup",
            "    Properties:",
            f"      GroupDescription: unit {i}",
            "      VpcId: vpc-0123456789abcdef0",
            "      SecurityGroupIngress:",
            f"        - {{IpProtocol: tcp, FromPort: {port}, ToPort: {port}, CidrIp: {cidr}, Description: app}}",
            "      SecurityGroupEgress:",
            "        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16, Description: https}",
            f"  Ingress{i}:",
            "    Type: AWS::EC2::SecurityGroupIngress",
            "    Properties:",
            f"      GroupId: !GetAtt Group{i}.GroupId",
            "      IpProtocol: tcp",
            f"      FromPort: {22 if bad else 8080}",
            f"      ToPort: {22 if bad else 8080}",
            f"      CidrIp: {'0.0.0.0/0' if bad else '10.1.0.0/16'}",
            "      Description: standalone ingress",
            f"  Egress{i}:",
            "    Type: AWS::EC2::SecurityGroupEgress",
            "    Properties:",
            f"      GroupId: !Ref Group{i}",
            "      IpProtocol: tcp",
            "      FromPort: 5432",
            "      ToPort: 5432",
            f"      DestinationSecurityGroupId: !GetAtt Group{(i + 1) % (resources // RESOURCES_PER_UNIT)}.GroupId",
            "      Description: database",
            f"  Instance{i}:",
            "    Type: AWS::EC2::Instance",
            "    Properties:",
            "      ImageId: ami-0123456789abcdef0",
            f"      SecurityGroupIds: [!Ref Group{i}]",
            f"  Service{i}:",
            "    Type: AWS::ECS::Service",
            "    Properties:",
            "      TaskDefinition: arn:aws:ecs:eu-west-1:123456789012:task-definition/app:1",
            "      NetworkConfiguration:",
            "        AwsvpcConfiguration:",
            "          Subnets: [subnet-0123456789abcdef0]",
            f"          SecurityGroups: [!GetAtt Group{i}.GroupId]",
        ]
    return "\n".join(out) + "\n"


def expected_findings(resources: int = 5000) -> dict:
    """Rule → count the generated template must yield."""
    bad_units = len(range(0, resources // RESOURCES_PER_UNIT, BAD_EVERY))
    return {"NET003": bad_units, "SG001": bad_units, "SG005": bad_units}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is reported")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "large.yaml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(generate_template(args.resources))
        size = os.path.getsize(path)
        best = first = None
        for _ in range(args.repeat):
            start = time.perf_counter()
            doc = load_template(path)
            loaded = time.perf_counter()
            findings = audit_document(doc)
            done = time.perf_counter()
            run = (loaded - start, done - loaded, done - start)
            first = first or run
            best = run if best is None or run[2] < best[2] else best
    counts: dict = {}
    for finding in findings:
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
    load, audit, total = best
    print(f"template: {len(doc.data['Resources'])} resources, {size / 1e6:.1f} MB YAML")
    print(f"load:  {load:.3f} s")
    print(f"audit: {audit:.3f} s")
    print(f"total: {total:.3f} s  (target < 2 s; best of {args.repeat}, first run {first[2]:.3f} s)")
    print(f"findings: {len(findings)} " + " ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    if counts != expected_findings(args.resources):
        print(f"UNEXPECTED findings, wanted {expected_findings(args.resources)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
