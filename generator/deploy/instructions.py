"""The "Deploy" section of an environment's README: the exact commands to type, what deploy needs, what stays
behind on delete and every secure default the blueprint turned off — computed from the files being written, so the
README cannot disagree with them. Imports nothing from AWS (the build runs offline)."""
from __future__ import annotations

import shlex

from generator.deploy.environment import INLINE_TEMPLATE_LIMIT
from generator.deploy.retention import kept_on_delete
from generator.load import load_text

CAPABILITIES = ("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM")
#: Where the README's commands expect the environment (the default of `stackprint build --out`).
OUT = "out"
BUCKET_PLACEHOLDER = "REPLACE_WITH_S3_BUCKET"


def _pairs(values: dict[str, str]) -> str:
    return " ".join(shlex.quote(f"{k}={v}") for k, v in sorted(values.items()))


def stackprint_command(directory: str, parameters: dict[str, str], big: bool) -> str:
    """``stackprint deploy out/<bp>/<env> --parameter K=V ...`` (one option per line, shell continuations)."""
    lines = [f"stackprint deploy {OUT}/{directory}"]
    lines += [f"  --parameter {shlex.quote(f'{k}={v}')}" for k, v in sorted(parameters.items())]
    if big:
        lines.append(f"  --s3-bucket {BUCKET_PLACEHOLDER}")
    return " \\\n".join(lines)


def aws_command(directory: str, stack: dict, parameters: dict[str, str], tags: dict[str, str], big: bool) -> str:
    """The plain ``aws cloudformation deploy`` of one stack, with every parameter and tag spelled out."""
    lines = ["aws cloudformation deploy", f"  --stack-name {stack['stack_name']}",
             f"  --template-file {OUT}/{directory}/{stack['template']}"]
    if parameters:
        lines.append(f"  --parameter-overrides {_pairs(parameters)}")
    if tags:
        lines.append(f"  --tags {_pairs(tags)}")
    lines.append(f"  --capabilities {' '.join(CAPABILITIES)}")
    if big:
        lines.append(f"  --s3-bucket {BUCKET_PLACEHOLDER}")
    lines.append("  --no-fail-on-empty-changeset")
    return " \\\n".join(lines)


def relaxed_defaults(layout) -> list[dict]:
    """Every secure default this environment's blueprint turned off (``relax:``), ECS Exec switched on, and every
    accepted audit finding — each with the reason the blueprint gives (read from the plan, ``layout``)."""
    found = [{"what": "network", "setting": f"`{k}` off", "reason": v}
             for k, v in sorted(layout.network.relax.items())]
    for balancer in sorted(layout.balancers, key=lambda b: b.name):
        found += [{"what": f"load balancer `{balancer.name}`", "setting": f"`{k}` off", "reason": v}
                  for k, v in sorted(balancer.relax.items())]
    for database in sorted(layout.databases, key=lambda d: d.name):
        found += [{"what": f"database `{database.name}`", "setting": f"`{k}` off", "reason": v}
                  for k, v in sorted(database.relax.items())]
    for service in sorted(layout.services, key=lambda s: s.name):
        name = service.name
        if service.exec:
            found.append({"what": f"service `{name}`", "setting": "ECS Exec on",
                          "reason": "the blueprint sets `exec: true`: `aws ecs execute-command` opens a shell in its "
                                    "running containers through Session Manager (no SSH, no open port)"})
        found += [{"what": f"service `{name}`", "setting": f"audit {e.rule} accepted", "reason": e.reason}
                  for e in layout.audit_exceptions if e.keypath[:2] == ("services", name)]
    found += [{"what": "blueprint", "setting": f"audit {e.rule} accepted", "reason": e.reason}
              for e in layout.audit_exceptions if e.keypath[0] == "audit"]
    return found


def deploy_context(directory: str, stacks: list[dict], files: dict[str, bytes], layout) -> dict:
    """The README's deploy section: commands (stackprint and aws CLI), kept resources, relaxed defaults."""
    import json

    all_parameters: dict[str, str] = {}
    commands, kept, big_stacks, iam = [], [], [], 0
    for stack in stacks:
        config = json.loads(files[stack["config"]])
        body = files[stack["template"]]
        big = len(body) > INLINE_TEMPLATE_LIMIT
        if big:
            big_stacks.append(stack["stack_name"])
        all_parameters.update(config["Parameters"])
        commands.append(aws_command(directory, stack, config["Parameters"], config["Tags"], big))
        template = load_text(body.decode("utf-8"), stack["template"], cfn=True).data or {}
        iam += sum(1 for r in (template.get("Resources") or {}).values() if str(r.get("Type", "")).startswith(
            "AWS::IAM::"))
        kept += [{"stack": stack["stack_name"], "logical_id": k.logical_id, "type": k.resource_type,
                  "what": k.what, "blocks": k.blocks} for k in kept_on_delete(template)]
    return {
        "directory": f"{OUT}/{directory}",
        "stackprint": stackprint_command(directory, all_parameters, bool(big_stacks)),
        "aws": commands,
        "capabilities": list(CAPABILITIES),
        "iam_resources": iam,
        "big_stacks": big_stacks,
        "inline_limit": f"{INLINE_TEMPLATE_LIMIT:,}",
        "kept": kept,
        "relaxed": relaxed_defaults(layout),
    }
