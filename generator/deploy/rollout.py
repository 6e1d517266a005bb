"""``stackprint deploy``: every stack of one environment, in stacks.json order, through a change set each.

Checks that need no AWS call come first (placeholders, template size), so a mistake costs nothing. Then, per
stack: create a CREATE/UPDATE change set, describe it, execute it only when confirmed, and follow its events. The
first stack that fails stops the run: the stacks after it depend on it or at least were not asked for yet.
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.deploy import changesets, events
from generator.deploy.aws import Clients, translated
from generator.deploy.changesets import ChangeSet
from generator.deploy.environment import Environment, Stack
from generator.deploy.parameters import resolve
from generator.deploy.ui import UI, status_kind
from generator.errors import InputError

_FAILED_CREATE = "ROLLBACK_COMPLETE"  # a failed first create: CloudFormation only allows deleting it


@dataclass(frozen=True)
class Options:
    yes: bool = False
    dry_run: bool = False
    s3_bucket: str | None = None


def preflight(environment: Environment, overrides: dict[str, str], options: Options) -> dict[str, dict[str, str]]:
    """Everything that can be checked without AWS: parameters filled, big templates have a bucket to go to."""
    parameters = resolve(environment, overrides)
    if not options.s3_bucket:
        for stack in environment.stacks:
            if stack.too_big_to_inline:
                raise InputError(f"stack {stack.name}: the template is {len(stack.body):,} bytes, over "
                                 f"CloudFormation's 51,200-byte inline limit (pass --s3-bucket BUCKET to upload it)",
                                 path=stack.template_path)
    return parameters


def _summary(change_set: ChangeSet) -> str:
    counts = {}
    for change in change_set.changes:
        key = "replace" if change.replaces else change.action.lower()
        counts[key] = counts.get(key, 0) + 1
    parts = [f"{counts[k]} {k}" for k in ("add", "modify", "replace", "remove") if counts.get(k)]
    parts += [f"{v} {k}" for k, v in sorted(counts.items()) if k not in ("add", "modify", "replace", "remove")]
    return f"{len(change_set.changes)} change{'s' if len(change_set.changes) != 1 else ''} ({', '.join(parts)})"


def deploy(environment: Environment, parameters: dict[str, dict[str, str]], clients: Clients, options: Options,
           ui: UI) -> int:
    """Deploy every stack; 0 when all are deployed (or described, with --dry-run), 1 on the first failure."""
    pending: set[str] = set()  # stacks created only as a change set (dry run): their exports do not exist yet
    total = len(environment.stacks)
    for number, stack in enumerate(environment.stacks, 1):
        ui.out(f"{stack.name} ({number}/{total})", "ok")
        waiting_on = sorted(set(stack.depends_on) & pending)
        if waiting_on:
            ui.out(f"  not described: it depends on {', '.join(waiting_on)}, which is not deployed yet")
            pending.add(stack.name)
            continue
        with translated(stack.name):
            change_set = _change_set(clients, stack, parameters[stack.name], options, ui)
            if change_set is None:
                return 1
            if change_set.empty:
                continue
            if options.dry_run:
                changesets.delete(clients, change_set)
                if change_set.kind == "CREATE":
                    pending.add(stack.name)
                continue
            if not options.yes and not ui.confirm(f"Execute the change set of {stack.name}?"):
                changesets.delete(clients, change_set)
                ui.out(f"  not executed; the stacks after {stack.name} were left alone", "warning")
                return 1
            if not _execute(clients, change_set, ui):
                rest = [s.name for s in environment.stacks[number:]]
                if rest:
                    ui.out(f"  stopped: {', '.join(rest)} left alone", "error")
                return 1
    return 0


def _change_set(clients: Clients, stack: Stack, parameters: dict[str, str], options: Options,
                ui: UI) -> ChangeSet | None:
    """Create and print one stack's change set (an empty one is reported and deleted); None when it cannot be."""
    state = changesets.stack_state(clients, stack.name)
    if state == _FAILED_CREATE or (state and not events.is_final(state) and state != "REVIEW_IN_PROGRESS"):
        ui.out(f"  stack is {state}: " + ("a failed first create can only be deleted (`stackprint destroy`, then "
                                          "deploy again)" if state == _FAILED_CREATE else
                                          "another operation is running; wait for it to finish"), "error")
        return None
    kind = changesets.change_set_kind(state)
    url = changesets.upload(clients, stack, options.s3_bucket) if stack.too_big_to_inline else None
    change_set = changesets.create(clients, stack, parameters, kind, url)
    if change_set.failure:
        changesets.delete(clients, change_set)
        ui.out(f"  change set FAILED: {change_set.failure}", "error")
        return None
    if change_set.empty:
        changesets.delete(clients, change_set)
        ui.out("  no changes")
        return change_set
    for change in change_set.changes:
        ui.out(f"  {change.line()}", "warning" if change.replaces else None)
    ui.out(f"  {kind}: {_summary(change_set)}")
    return change_set


def _execute(clients: Clients, change_set: ChangeSet, ui: UI) -> bool:
    """Execute and follow one change set; print the failing resources' reasons. True when the stack succeeded."""
    seen = events.seen_events(clients, change_set.stack_id)
    changesets.execute(clients, change_set)
    status, failures = events.follow(
        clients, change_set.stack_id, seen, lambda e: ui.progress(f"  {e.line()}", status_kind(e.status)),
        lambda: changesets.execution_state(clients, change_set, change_set.stack_id))
    if status in events.SUCCEEDED:
        ui.out(f"  {status}", "ok")
        return True
    ui.out(f"  {status}: failed", "error")
    for failure in failures:
        ui.out(f"  {failure.logical_id} ({failure.resource_type}): {failure.reason or failure.status}", "error")
    return False
