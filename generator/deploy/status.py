"""``stackprint status``: what is deployed of one environment — each stack's status, drift status (when a drift
detection has run), last update and outputs. Read-only."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timezone

from generator.deploy.aws import Clients, described_stack, translated
from generator.deploy.environment import Environment


@dataclass(frozen=True)
class StackStatus:
    name: str
    status: str | None  # None: not deployed
    drift: str = ""
    updated: str = ""
    outputs: dict[str, str] = field(default_factory=dict)


def _describe(clients: Clients, name: str) -> dict | None:
    stack = described_stack(clients, name)
    return None if stack is None or stack["StackStatus"] == "DELETE_COMPLETE" else stack


def status(environment: Environment, clients: Clients) -> list[StackStatus]:
    """One StackStatus per stack, in stacks.json order."""
    found = []
    for stack in environment.stacks:
        with translated(stack.name):
            described = _describe(clients, stack.name)
        if described is None:
            found.append(StackStatus(stack.name, None))
            continue
        drift = described.get("DriftInformation", {}).get("StackDriftStatus", "")
        updated = described.get("LastUpdatedTime") or described.get("CreationTime")
        found.append(StackStatus(
            stack.name, described["StackStatus"], "" if drift == "NOT_CHECKED" else drift,
            updated.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC") if updated else "",
            {o["OutputKey"]: o.get("OutputValue", "") for o in sorted(described.get("Outputs") or [],
                                                                   key=lambda o: o["OutputKey"])}))
    return found
