"""``stackprint destroy``: delete the stacks of one environment in reverse stacks.json order, after listing what
CloudFormation will keep or refuse to delete (read from the committed templates, see :mod:`.retention`)."""
from __future__ import annotations

from generator.deploy import changesets, events
from generator.deploy.aws import Clients, translated
from generator.deploy.environment import Environment, Stack
from generator.deploy.retention import Kept, kept_on_delete
from generator.deploy.ui import UI, status_kind
from generator.load import load_text


def kept(environment: Environment) -> list[tuple[Stack, Kept]]:
    """Every resource a delete of this environment keeps or is blocked by, in deletion order."""
    found = []
    for stack in reversed(environment.stacks):
        template = load_text(stack.body.decode("utf-8"), stack.template_path, cfn=True).data or {}
        found.extend((stack, item) for item in kept_on_delete(template))
    return found


def destroy(environment: Environment, clients: Clients, yes: bool, ui: UI) -> int:
    """Delete every deployed stack, last first; 0 when all are gone, 1 on the first that fails (or a 'no')."""
    deployed = []
    for stack in reversed(environment.stacks):
        with translated(stack.name):
            state = changesets.stack_state(clients, stack.name)
        if state is None:
            ui.out(f"{stack.name}: not deployed")
        else:
            deployed.append(stack)
    if not deployed:
        ui.out("nothing to delete")
        return 0
    ui.out("Will delete, in this order: " + ", ".join(s.name for s in deployed))
    staying = [(s, k) for s, k in kept(environment) if s in deployed]
    if staying:
        ui.out("CloudFormation keeps, or refuses to delete:", "warning")
        for stack, item in staying:
            ui.out(f"  {stack.name}: {item.logical_id} ({item.resource_type}): {item.what}",
                   "error" if item.blocks else "warning")
    if not yes and not ui.confirm(f"Delete {len(deployed)} stack{'s' if len(deployed) != 1 else ''}?"):
        ui.out("nothing deleted")
        return 1
    for stack in deployed:
        ui.out(f"{stack.name}: deleting", "ok")
        with translated(stack.name):
            if not _delete(clients, stack, ui):
                later = [s.name for s in deployed[deployed.index(stack) + 1:]]
                if later:
                    ui.out(f"  stopped: {', '.join(later)} left alone", "error")
                return 1
    return 0


def _delete(clients: Clients, stack: Stack, ui: UI) -> bool:
    (described,) = clients.cloudformation.describe_stacks(StackName=stack.name)["Stacks"]
    stack_id = described["StackId"]
    seen = events.seen_events(clients, stack_id)
    request = {"StackName": stack_id}
    if clients.role_arn:
        request["RoleARN"] = clients.role_arn
    clients.cloudformation.delete_stack(**request)
    status, failures = events.follow(clients, stack_id, seen,
                                     lambda e: ui.progress(f"  {e.line()}", status_kind(e.status)),
                                     lambda: changesets.stack_state(clients, stack_id))
    if status is None:
        ui.out("  DELETE_COMPLETE", "ok")
        return True
    ui.out(f"  {status}: failed", "error")
    for failure in failures:
        ui.out(f"  {failure.logical_id} ({failure.resource_type}): {failure.reason or failure.status}", "error")
    return False
