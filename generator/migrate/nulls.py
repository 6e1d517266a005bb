"""Explicit ``null`` fields and object-for-list shapes, settled before any rule reads the task definition.

``register-task-definition`` takes no ``null`` anywhere (botocore rejects ``"ulimits": null``), while an absent
field means the same as the null one meant. So every ``null`` value of an object key is dropped, once, with a
change line, and no rule ever sees (or carries into the output) a ``null``. List items that are ``null`` are left to
the shape check, which refuses them at their position: dropping them would shift every index after them.

``logConfiguration.secretOptions`` given as an object (``{"NAME": "arn:..."}``, as some tools write it) is
normalised to the list of ``{"name", "valueFrom"}`` objects ECS takes; any other shape is refused by the shape check.
"""
from __future__ import annotations

from generator.migrate.input import Source
from generator.migrate.report import Report, show


def drop(data: dict, report: Report) -> None:
    """Remove every ``key: null`` from ``data`` (in place, any depth), one ``removed`` line each, in input order.

    The walk is iterative (an explicit stack), so no input depth can exhaust Python's recursion limit.
    """
    stack: list[tuple[tuple, object]] = [((), data)]
    found: list[tuple] = []
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key in list(value):
                if value[key] is None:
                    del value[key]
                    found.append(path + (key,))
            stack.extend((path + (key,), item) for key, item in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((path + (i,), item) for i, item in reversed(list(enumerate(value))))
    for path in found:
        report.add("removed", path, "null: register-task-definition takes no null values; an absent field means "
                                    "the same")


def secret_options(data: dict, report: Report, source: Source) -> None:
    """``secretOptions`` as an object of name -> ARN becomes the list of ``{"name", "valueFrom"}`` ECS takes."""
    definitions = data.get("containerDefinitions")
    for i, container in enumerate(definitions if isinstance(definitions, list) else []):  # shape.check judges
        log = container.get("logConfiguration") if isinstance(container, dict) else None
        options = log.get("secretOptions") if isinstance(log, dict) else None
        if options is None or isinstance(options, list):
            continue
        path = ("containerDefinitions", i, "logConfiguration", "secretOptions")
        if not isinstance(options, dict) or not all(isinstance(v, str) for v in options.values()):
            raise source.error(path, "expected a list of {\"name\": \"KEY\", \"valueFrom\": \"arn:...\"} objects")
        log["secretOptions"] = [{"name": name, "valueFrom": arn} for name, arn in options.items()]
        report.add("changed", path, f"an object -> {show(log['secretOptions'])}: register-task-definition takes "
                                    f"secretOptions as a list of name/valueFrom objects")
