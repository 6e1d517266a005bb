"""Change sets: decide CREATE or UPDATE, create one, wait for it, read its changes, execute or delete it.

Change sets make every deploy reviewable: nothing changes until the described set is executed, and a resource
CloudFormation would replace (new physical id, data gone) is marked ``! Replace`` before anyone says yes.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from generator.deploy.aws import Clients, described_stack, error_code
from generator.deploy.environment import Stack

CAPABILITIES = ("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM")
#: Words CloudFormation uses for a change set that would change nothing (not an error for us).
_EMPTY_REASONS = ("didn't contain changes", "No updates are to be performed")
_SYMBOLS = {"Add": "+ Add", "Modify": "~ Modify", "Remove": "- Remove", "Import": "> Import",
            "Dynamic": "? Dynamic"}
POLL_SECONDS = 2.0


@dataclass(frozen=True)
class Change:
    """One line of a change set."""

    action: str
    logical_id: str
    resource_type: str
    replacement: str  # "True", "False", "Conditional" or "" (not a modification)

    @property
    def replaces(self) -> bool:
        return self.action == "Modify" and self.replacement in ("True", "Conditional")

    def line(self) -> str:
        symbol = "! Replace" if self.replaces else _SYMBOLS.get(self.action, self.action)
        suffix = " (conditional)" if self.replaces and self.replacement == "Conditional" else ""
        return f"{symbol:<10} {self.logical_id}  {self.resource_type}{suffix}"


@dataclass(frozen=True)
class ChangeSet:
    """A created change set: its id, kind, changes, and whether it is empty."""

    arn: str
    stack_id: str
    kind: str  # CREATE or UPDATE
    changes: tuple[Change, ...]
    empty: bool
    failure: str = ""  # why CloudFormation could not create it (not set for an empty one)


def stack_state(clients: Clients, name: str) -> str | None:
    """The stack's status, or None when it does not exist (or was deleted)."""
    stack = described_stack(clients, name)
    return None if stack is None or stack["StackStatus"] == "DELETE_COMPLETE" else stack["StackStatus"]


def execution_state(clients: Clients, change_set: "ChangeSet", stack_id: str) -> str | None:
    """The stack's status once the execution has started; until then (the stack still shows its previous, final
    status) a pseudo status that is not final."""
    described = clients.cloudformation.describe_change_set(ChangeSetName=change_set.arn)
    if described.get("ExecutionStatus") == "AVAILABLE":
        return "EXECUTE_IN_PROGRESS"
    return stack_state(clients, stack_id)


def change_set_kind(state: str | None) -> str:
    """CREATE for a stack that does not exist yet or was only ever reviewed (REVIEW_IN_PROGRESS), else UPDATE."""
    return "CREATE" if state in (None, "REVIEW_IN_PROGRESS") else "UPDATE"


def change_set_name(stack: Stack) -> str:
    """A name that is unique per template and per run (CloudFormation requires a letter first)."""
    digest = hashlib.sha256(stack.body).hexdigest()[:12]
    return f"stackprint-{digest}-{int(time.time())}"


def upload(clients: Clients, stack: Stack, bucket: str) -> str:
    """Put a big template in ``bucket`` (content-addressed key) and return its TemplateURL."""
    key = f"stackprint/{stack.name}/{hashlib.sha256(stack.body).hexdigest()}.template.yaml"
    clients.s3.put_object(Bucket=bucket, Key=key, Body=stack.body)
    return f"https://{bucket}.s3.{clients.region}.amazonaws.com/{key}"


def create(clients: Clients, stack: Stack, parameters: dict[str, str], kind: str,
           template_url: str | None = None) -> ChangeSet:
    """Create the change set, wait until CloudFormation has computed it, and describe it."""
    request = {
        "StackName": stack.name, "ChangeSetName": change_set_name(stack), "ChangeSetType": kind,
        "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in sorted(parameters.items())],
        "Tags": [{"Key": k, "Value": v} for k, v in sorted(stack.tags.items())],
        "Capabilities": list(CAPABILITIES),
        "Description": "stackprint deploy",
    }
    if template_url:
        request["TemplateURL"] = template_url
    else:
        request["TemplateBody"] = stack.body.decode("utf-8")
    if clients.role_arn:
        request["RoleARN"] = clients.role_arn
    try:
        arn = clients.cloudformation.create_change_set(**request)["Id"]
    except Exception as exc:  # some endpoints answer "no changes" at creation instead of in the change set
        if error_code(exc) == "ValidationError" and any(words in str(exc) for words in _EMPTY_REASONS):
            return ChangeSet("", "", kind, (), True)
        raise
    return describe(clients, arn, kind)


def describe(clients: Clients, arn: str, kind: str) -> ChangeSet:
    """Poll until the change set is computed; an empty one is reported, not raised."""
    while True:
        described = clients.cloudformation.describe_change_set(ChangeSetName=arn)
        if described["Status"] not in ("CREATE_PENDING", "CREATE_IN_PROGRESS"):
            break
        time.sleep(POLL_SECONDS)
    changes = list(described.get("Changes", []))
    token = described.get("NextToken")
    while token:
        page = clients.cloudformation.describe_change_set(ChangeSetName=arn, NextToken=token)
        changes.extend(page.get("Changes", []))
        token = page.get("NextToken")
    parsed = tuple(Change(c["ResourceChange"]["Action"], c["ResourceChange"]["LogicalResourceId"],
                          c["ResourceChange"]["ResourceType"], str(c["ResourceChange"].get("Replacement", "")))
                   for c in changes if c.get("Type") == "Resource")
    if described["Status"] == "FAILED":
        reason = described.get("StatusReason", "")
        if any(words in reason for words in _EMPTY_REASONS):
            return ChangeSet(arn, described["StackId"], kind, (), True)
        return ChangeSet(arn, described["StackId"], kind, parsed, False, reason or "change set FAILED without a reason")
    return ChangeSet(arn, described["StackId"], kind, parsed, not parsed)


def delete(clients: Clients, change_set: ChangeSet) -> None:
    """Remove a change set that will not be executed (empty, dry run, or declined)."""
    if not change_set.arn:
        return
    clients.cloudformation.delete_change_set(ChangeSetName=change_set.arn)


def execute(clients: Clients, change_set: ChangeSet) -> None:
    clients.cloudformation.execute_change_set(ChangeSetName=change_set.arn)
