"""Who added a rule, and when: CloudTrail's event history (``LookupEvents``, the last 90 days of management
events, no trail needed) searched by the group's id.

An event is the rule's when its response names the rule's id (``securityGroupRuleSet``), or, for older event
shapes, when its request's ``ipPermissions`` hold the same protocol, ports and peer. The lookup is best effort:
denied, unavailable or throttled, it becomes one note and the findings stand without attribution.
"""
from __future__ import annotations

import json
from datetime import timezone

from generator.drift.rules import RuleShape, cidr, protocol_name

#: The API calls that add or change a rule.
EVENTS = ("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "ModifySecurityGroupRules")
#: Pages of 50 events read per group, at most (LookupEvents allows 2 calls a second per account).
MAX_PAGES = 4


def _items(value) -> list:
    """CloudTrail writes EC2's lists as ``{"items": [...]}``, and a one-element list of a newer API
    (``ModifySecurityGroupRulesRequest.SecurityGroupRule``) as the element itself."""
    if isinstance(value, dict):
        value = value["items"] if "items" in value else [value] if value else []
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _rule_ids(event: dict) -> set[str]:
    found = set()
    response = event.get("responseElements") or {}
    for item in _items(response.get("securityGroupRuleSet")):
        if isinstance(item, dict) and item.get("securityGroupRuleId"):
            found.add(item["securityGroupRuleId"])
    for item in _items((event.get("requestParameters") or {}).get("ModifySecurityGroupRulesRequest", {})
                       .get("SecurityGroupRule")):
        if isinstance(item, dict) and item.get("SecurityGroupRuleId"):
            found.add(item["SecurityGroupRuleId"])
    return found


def _shapes(event: dict) -> set[RuleShape]:
    """The rules an Authorize* request asked for (one shape per peer)."""
    request = event.get("requestParameters") or {}
    direction = "egress" if event.get("eventName") == "AuthorizeSecurityGroupEgress" else "ingress"
    found = set()
    for permission in _items(request.get("ipPermissions")):
        if not isinstance(permission, dict):
            continue
        protocol = protocol_name(permission.get("ipProtocol", "-1"))
        low = high = -1
        if protocol != "-1":
            low, high = int(permission.get("fromPort", -1)), int(permission.get("toPort", -1))
        for item in _items(permission.get("ipRanges")):
            found.add(RuleShape(direction, protocol, low, high, "cidr", cidr(item.get("cidrIp", "0.0.0.0/0"))))
        for item in _items(permission.get("ipv6Ranges")):
            found.add(RuleShape(direction, protocol, low, high, "cidr", cidr(item.get("cidrIpv6", "::/0"))))
        for item in _items(permission.get("groups")):
            found.add(RuleShape(direction, protocol, low, high, "group", item.get("groupId", "")))
        for item in _items(permission.get("prefixListIds")):
            found.add(RuleShape(direction, protocol, low, high, "prefix-list", item.get("prefixListId", "")))
    return found


def _who(event: dict, summary: dict) -> str:
    identity = event.get("userIdentity") or {}
    return identity.get("arn") or summary.get("Username") or identity.get("principalId") or "unknown principal"


def _when(summary: dict) -> str:
    moment = summary.get("EventTime")
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def events_of(cloudtrail, group_id: str) -> list[tuple[dict, dict]]:
    """(summary, parsed CloudTrailEvent) of the rule-changing events on ``group_id``, newest first."""
    found, token = [], None
    for _ in range(MAX_PAGES):
        arguments = {"LookupAttributes": [{"AttributeKey": "ResourceName", "AttributeValue": group_id}],
                     "MaxResults": 50}
        if token:
            arguments["NextToken"] = token
        page = cloudtrail.lookup_events(**arguments)
        for summary in page.get("Events", []):
            if summary.get("EventName") not in EVENTS:
                continue
            try:
                event = json.loads(summary.get("CloudTrailEvent") or "{}")
            except ValueError:
                continue
            found.append((summary, event))
        token = page.get("NextToken")
        if not token:
            break
    return found


def attribute(cloudtrail, findings) -> list[str]:
    """Add ``added_by``/``added_at`` to the findings of added rules; return notes (empty when all went well)."""
    from botocore.exceptions import BotoCoreError, ClientError

    wanted = [f for f in findings if "rule_id" in f.details]
    cache: dict[str, list] = {}
    for finding in wanted:
        group_id = finding.details["group_id"]
        if group_id not in cache:
            try:
                cache[group_id] = events_of(cloudtrail, group_id)
            except (ClientError, BotoCoreError, NotImplementedError) as exc:
                response = getattr(exc, "response", None) or {}
                why = response.get("Error", {}).get("Code") or type(exc).__name__
                return [f"CloudTrail LookupEvents unavailable ({why}): who added the rules and when is not shown"]
        shape = RuleShape(**finding.details["rule"])
        for summary, event in cache[group_id]:
            if finding.details["rule_id"] in _rule_ids(event) or (
                    summary.get("EventName") != "ModifySecurityGroupRules" and shape in _shapes(event)):
                finding.details["added_by"] = _who(event, summary)
                finding.details["added_at"] = _when(summary)
                finding.details["event"] = summary.get("EventName", "")
                break
    return []
