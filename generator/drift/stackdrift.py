"""CloudFormation's own drift detection on every stack, bounded in time, and its result as records the report
merges: ``DetectStackDrift`` on all stacks at once, ``DescribeStackDriftDetectionStatus`` polled until each is done
(or the bound passes), then ``DescribeStackResourceDrifts`` for the MODIFIED and DELETED resources.

Drift detection is a second opinion, not the check itself: when it is refused (permissions), unavailable, or does not
finish in time, the report says so in a note and the security-group comparison stands on its own.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

_DONE = ("DETECTION_COMPLETE", "DETECTION_FAILED")


@dataclass(frozen=True)
class ResourceDrift:
    stack: str
    logical_id: str
    resource_type: str
    physical_id: str
    status: str                                   # MODIFIED | DELETED
    differences: tuple = field(default=())        # (property path, difference type, expected, actual)

    def as_details(self) -> dict:
        return {"status": self.status, "resource_type": self.resource_type, "physical_id": self.physical_id,
                "differences": [{"path": p, "type": t, "expected": e, "actual": a} for p, t, e, a in self.differences]}


def _why(exc) -> str:
    response = getattr(exc, "response", None) or {}
    code = response.get("Error", {}).get("Code", "")
    message = response.get("Error", {}).get("Message", "") or str(exc)
    return f"{code}: {message}" if code else message


def _compact(text) -> str:
    """A property value as CloudFormation reports it (JSON text), compacted to one line."""
    if not isinstance(text, str):
        return json.dumps(text, sort_keys=True)
    try:
        return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))
    except ValueError:
        return text


def _resource_drifts(cfn, stack: str) -> list[ResourceDrift]:
    found, token = [], None
    while True:
        arguments = {"StackName": stack, "StackResourceDriftStatusFilters": ["MODIFIED", "DELETED"]}
        if token:
            arguments["NextToken"] = token
        page = cfn.describe_stack_resource_drifts(**arguments)
        for drift in page.get("StackResourceDrifts", []):
            differences = tuple(sorted(
                (d.get("PropertyPath", ""), d.get("DifferenceType", ""), _compact(d.get("ExpectedValue", "")),
                 _compact(d.get("ActualValue", ""))) for d in drift.get("PropertyDifferences") or []))
            found.append(ResourceDrift(stack, drift["LogicalResourceId"], drift.get("ResourceType", ""),
                                       drift.get("PhysicalResourceId", ""), drift["StackResourceDriftStatus"],
                                       differences))
        token = page.get("NextToken")
        if not token:
            return found


def detect(cfn, stacks: list[str], timeout: float, interval: float = 5.0, progress=lambda message: None,
           sleep=time.sleep, clock=time.monotonic) -> tuple[list[ResourceDrift], list[str], int]:
    """(drifted resources, notes, stacks checked). Never raises for AWS errors: each becomes a note."""
    from botocore.exceptions import BotoCoreError, ClientError

    notes, started = [], {}
    for stack in stacks:
        try:
            started[stack] = cfn.detect_stack_drift(StackName=stack)["StackDriftDetectionId"]
        except (ClientError, BotoCoreError, NotImplementedError) as exc:
            notes.append(f"{stack}: CloudFormation drift detection not run ({_why(exc)})")
    if not started:
        return [], notes, 0
    progress(f"CloudFormation drift detection running on {len(started)} stack(s)…")
    deadline, pending, finished = clock() + timeout, dict(started), []
    while pending:
        for stack, detection in sorted(pending.items()):
            try:
                status = cfn.describe_stack_drift_detection_status(StackDriftDetectionId=detection)
            except (ClientError, BotoCoreError) as exc:
                notes.append(f"{stack}: CloudFormation drift detection status unavailable ({_why(exc)})")
                del pending[stack]
                continue
            if status["DetectionStatus"] in _DONE:
                del pending[stack]
                finished.append(stack)
                if status["DetectionStatus"] == "DETECTION_FAILED":
                    notes.append(f"{stack}: CloudFormation drift detection failed for some resources "
                                 f"({status.get('DetectionStatusReason', 'no reason given')})")
        if pending and clock() >= deadline:
            for stack in sorted(pending):
                notes.append(f"{stack}: CloudFormation drift detection did not finish within {timeout:g}s: "
                             "its result is not merged")
            break
        if pending:
            sleep(max(0.0, min(interval, deadline - clock())))
    drifts = []
    for stack in sorted(finished):
        try:
            drifts += _resource_drifts(cfn, stack)
        except (ClientError, BotoCoreError) as exc:
            notes.append(f"{stack}: CloudFormation resource drifts unavailable ({_why(exc)})")
    return drifts, notes, len(finished)
