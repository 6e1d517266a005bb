"""Following a stack while CloudFormation works on it: one progress line per resource status change, until the
stack reaches a final status; then the reasons of the resources that failed."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from generator.deploy.aws import Clients

POLL_SECONDS = 5.0
SUCCEEDED = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "DELETE_COMPLETE", "IMPORT_COMPLETE"}


@dataclass(frozen=True)
class Event:
    """One stack event, as a user reads it."""

    event_id: str
    logical_id: str
    resource_type: str
    status: str
    reason: str

    def line(self) -> str:
        reason = f"  {self.reason}" if self.reason else ""
        return f"{self.status:<28} {self.logical_id}  {self.resource_type}{reason}"

    @property
    def failed(self) -> bool:
        return self.status.endswith("_FAILED")


def is_final(status: str) -> bool:
    """Whether CloudFormation has finished with the stack (no *_IN_PROGRESS status)."""
    return not status.endswith("_IN_PROGRESS")


def _events(clients: Clients, stack_id: str) -> list[Event]:
    """All events of the stack, oldest first."""
    found = []
    paginator = clients.cloudformation.get_paginator("describe_stack_events")
    for page in paginator.paginate(StackName=stack_id):
        for e in page["StackEvents"]:
            found.append(Event(e["EventId"], e["LogicalResourceId"], e.get("ResourceType", ""),
                               e.get("ResourceStatus", ""), e.get("ResourceStatusReason", "")))
    return list(reversed(found))


def seen_events(clients: Clients, stack_id: str) -> set[str]:
    """Ids of the events that exist before an operation starts, so only new ones are printed."""
    return {e.event_id for e in _events(clients, stack_id)}


def follow(clients: Clients, stack_id: str, seen: set[str], on_event: Callable[[Event], None],
           status_of: Callable[[], str | None]) -> tuple[str | None, list[Event]]:
    """Print new events until ``status_of()`` is final (or None: the stack is gone); return it and the failures."""
    failures: list[Event] = []
    while True:
        status = status_of()
        for event in _events(clients, stack_id):
            if event.event_id in seen:
                continue
            seen.add(event.event_id)
            on_event(event)
            if event.failed:
                failures.append(event)
        if status is None or is_final(status):
            return status, failures
        time.sleep(POLL_SECONDS)
