# stackprint auto-revert (generator/guardrails/revert.py): revoke group rules the templates do not declare
import base64
import json
import os
import zlib

import boto3

PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


def group_ids(detail):
    request = detail.get("requestParameters") or {}
    found = [request.get("groupId"), (request.get("ModifySecurityGroupRulesRequest") or {}).get("GroupId")]
    rules = ((detail.get("responseElements") or {}).get("securityGroupRuleSet") or {}).get("items", [])
    return sorted({g for g in found + [r.get("groupId") for r in rules] if g})


def environment_groups(ec2, stacks):
    # group id -> logical id
    found = {}
    for page in ec2.get_paginator("describe_security_groups").paginate(
            Filters=[{"Name": "tag:aws:cloudformation:stack-name", "Values": stacks}]):
        for group in page["SecurityGroups"]:
            tags = {t["Key"]: t["Value"] for t in group.get("Tags", [])}
            found[group["GroupId"]] = tags.get("aws:cloudformation:logical-id")
    return found


def rule_text(rule, groups, prefix_lists):
    # as the committed set writes rules
    cidr, listed = rule.get("CidrIpv4") or rule.get("CidrIpv6"), rule.get("PrefixListId")
    other = (rule.get("ReferencedGroupInfo") or {}).get("GroupId")
    peer = f"cidr:{cidr}" if cidr else f"prefix:{prefix_lists.get(listed, listed)}" if listed else \
        f"group:{groups.get(other) or other}"
    protocol = PROTOCOLS.get(rule["IpProtocol"], rule["IpProtocol"])
    return f"{'egress' if rule['IsEgress'] else 'ingress'} {protocol} {rule['FromPort']}-{rule['ToPort']} {peer}"


def revert(ec2, group_id, committed, groups, prefix_lists):
    # revoke rules outside the committed set: (revoked, missing)
    rules = [r for page in ec2.get_paginator("describe_security_group_rules").paginate(
        Filters=[{"Name": "group-id", "Values": [group_id]}]) for r in page["SecurityGroupRules"]]
    texts = {r["SecurityGroupRuleId"]: rule_text(r, groups, prefix_lists) for r in rules}
    extra = [r for r in rules if texts[r["SecurityGroupRuleId"]] not in committed]
    for egress, revoke in ((False, ec2.revoke_security_group_ingress), (True, ec2.revoke_security_group_egress)):
        if ids := [r["SecurityGroupRuleId"] for r in extra if r["IsEgress"] == egress]:
            revoke(GroupId=group_id, SecurityGroupRuleIds=ids)
    return sorted(texts[r["SecurityGroupRuleId"]] for r in extra), sorted(set(committed) - set(texts.values()))


def handler(event, context):
    detail = event.get("detail") or {}
    who = detail.get("userIdentity") or {}
    if detail.get("errorCode") or who.get("invokedBy") == "cloudformation.amazonaws.com":
        return {"reverted": []}  # a failed call, or CloudFormation deploying the templates
    v = os.environ["COMMITTED_RULES"]  # JSON, or zlib+base64 JSON past 4 KB
    committed = json.loads(v if v[0] == "{" else zlib.decompress(base64.b64decode(v)))
    prefix_lists = {v: k for k, v in json.loads(os.environ.get("PREFIX_LISTS") or "{}").items()}
    ec2 = boto3.client("ec2")
    groups = environment_groups(ec2, os.environ["STACKS"].split(","))
    reverted = []
    for group_id in group_ids(detail):
        if groups.get(group_id) not in committed:
            continue  # not a group of this environment
        revoked, missing = revert(ec2, group_id, committed[groups[group_id]], groups, prefix_lists)
        if revoked or missing:
            reverted.append({"group": group_id, "logical_id": groups[group_id], "revoked": revoked,
                             "missing": missing})
    if reverted:
        message = {"who": who.get("arn") or who.get("principalId"), "reverted": reverted, **{k: detail.get(k) for k in (
            "eventName", "eventTime", "eventID", "sourceIPAddress", "userAgent", "awsRegion")}}
        boto3.client("sns").publish(TopicArn=os.environ["TOPIC_ARN"], Subject="stackprint reverted "
                                    + detail["eventName"], Message=json.dumps(message, indent=1, sort_keys=True))
    return {"reverted": reverted}
