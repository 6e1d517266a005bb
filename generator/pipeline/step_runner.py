"""Create or execute the change sets of one deployment step of one environment: what a large blueprint's pipeline
runs in a CodePipeline Commands action, where one CloudFormation action pair per stack would pass CodePipeline's
500-actions-per-pipeline quota.

This file is copied as it is into ``out/<blueprint>/pipeline.deploy.py`` by the build, next to the pipeline
template, and the pipeline runs it from the committed source: Python 3 standard library and the AWS CLI only
(both on the Commands action's image), no stackprint install. It reads the same committed files the per-stack
pipeline reads: ``<env>/stacks.json`` (order and dependencies), each stack's ``config.json`` (parameters and tags)
and template.

    python3 pipeline.deploy.py create  --environment prod --step 2
    python3 pipeline.deploy.py execute --environment prod --step 2

``create``: per stack of the step, the change set ``stackprint-pipeline`` (CREATE for a new stack, UPDATE for an
existing one; a template over 51,200 bytes is uploaded to TEMPLATE_BUCKET first), then waits for all of them; an
empty change set is deleted and reported as "no changes". ``execute``: executes every change set of the step that
is ready, then waits for the stacks. Exit 1 on the first failure, with the failing stacks' reasons.

Environment: CLOUDFORMATION_ROLE_ARN (the role CloudFormation deploys with), TEMPLATE_BUCKET, optionally
PARAMETER_OVERRIDES (JSON ``{"<stack name>": {"<parameter>": "<value>"}}``, the placeholders the pipeline's own
parameters fill), STACKPRINT_AWS (the aws command; default ``aws``) and STACKPRINT_POLL_SECONDS (default 5).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

CHANGE_SET_NAME = "stackprint-pipeline"
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
INLINE_LIMIT = 51_200
POLL_SECONDS = float(os.environ.get("STACKPRINT_POLL_SECONDS") or 5.0)
PENDING = {"CREATE_PENDING", "CREATE_IN_PROGRESS"}
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
#: stack states from which a change set of type UPDATE applies (anything else that exists is REVIEW_IN_PROGRESS)
FINAL_OK = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE",
            "IMPORT_ROLLBACK_COMPLETE"}


class Failed(Exception):
    pass


def levels(stacks: list[dict]) -> list[list[dict]]:
    """The stacks grouped into steps: a stack's step is one after the last step it depends on (stacks.json lists
    every stack after its dependencies), exactly as the pipeline template numbers them."""
    step: dict[str, int] = {}
    for stack in stacks:
        inside = [step[name] for name in stack["depends_on"] if name in step]
        step[stack["stack_name"]] = 1 + max(inside) if inside else 0
    grouped: list[list[dict]] = [[] for _ in range(1 + max(step.values(), default=-1))]
    for stack in stacks:
        grouped[step[stack["stack_name"]]].append(stack)
    return grouped


def aws(*args: str) -> dict:
    """Run one AWS CLI call and return its JSON output ({} when it prints nothing); Failed with its error text."""
    command = os.environ.get("STACKPRINT_AWS", "aws").split() + list(args) + ["--output", "json"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise Failed(result.stderr.strip() or f"{' '.join(args[:2])} exited {result.returncode}")
    try:
        return json.loads(result.stdout) if result.stdout.strip() else {}
    except ValueError:  # `aws s3 cp` reports in plain text
        return {}


def stack_status(name: str) -> str | None:
    try:
        found = aws("cloudformation", "describe-stacks", "--stack-name", name)
    except Failed as failure:
        if "does not exist" in str(failure):
            return None
        raise
    return found["Stacks"][0]["StackStatus"]


def change_set_id(stack: str) -> str | None:
    """The ARN of ``stack``'s change set stackprint-pipeline, or None. Calls that follow name it by ARN, which
    identifies it on its own (every stack of the step has a change set of the same name)."""
    try:
        found = aws("cloudformation", "list-change-sets", "--stack-name", stack)
    except Failed as failure:
        if "does not exist" in str(failure):
            return None
        raise
    for summary in found.get("Summaries", []):
        if summary.get("ChangeSetName") == CHANGE_SET_NAME and summary.get("StackName", stack) == stack:
            return summary["ChangeSetId"]
    return None


def _template_argument(folder: Path, stack: dict, bucket: str) -> list[str]:
    path = folder / stack["template"]
    body = path.read_bytes()
    if len(body) <= INLINE_LIMIT:
        return ["--template-body", f"file://{path}"]
    key = f"stackprint-pipeline/{stack['stack_name']}/{hashlib.sha256(body).hexdigest()}.yaml"
    aws("s3", "cp", str(path), f"s3://{bucket}/{key}", "--only-show-errors")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or ""
    host = f"s3.{region}.amazonaws.com" if region else "s3.amazonaws.com"
    return ["--template-url", f"https://{bucket}.{host}/{key}"]


def create(folder: Path, stacks: list[dict], overrides: dict, role: str, bucket: str) -> int:
    """Create the change sets of ``stacks``; wait; print each one's outcome. The number that have changes."""
    requested: dict[str, str] = {}
    for stack in stacks:
        name = stack["stack_name"]
        config = json.loads((folder / stack["config"]).read_text())
        values = {**config.get("Parameters", {}), **overrides.get(name, {})}
        status = stack_status(name)
        kind = "UPDATE" if status in FINAL_OK else "CREATE"
        previous = change_set_id(name) if status is not None else None
        if previous:  # replaced, as CodePipeline's CHANGE_SET_REPLACE does
            aws("cloudformation", "delete-change-set", "--change-set-name", previous)
        arguments = ["cloudformation", "create-change-set", "--stack-name", name, "--change-set-name",
                     CHANGE_SET_NAME, "--change-set-type", kind, "--capabilities", *CAPABILITIES]
        arguments += _template_argument(folder, stack, bucket)
        if values:
            arguments += ["--parameters", json.dumps([{"ParameterKey": k, "ParameterValue": v}
                                                      for k, v in sorted(values.items())])]
        tags = config.get("Tags") or {}
        if tags:
            arguments += ["--tags", json.dumps([{"Key": k, "Value": v} for k, v in sorted(tags.items())])]
        if role:
            arguments += ["--role-arn", role]
        requested[name] = aws(*arguments)["Id"]
        print(f"{name}: {kind} change set requested", flush=True)
    changed, failed = 0, []
    for name, arn in requested.items():
        while True:
            found = aws("cloudformation", "describe-change-set", "--change-set-name", arn)
            if found.get("Status") not in PENDING:
                break
            time.sleep(POLL_SECONDS)
        reason = found.get("StatusReason") or ""
        if found.get("Status") == "FAILED" and any(text in reason for text in NO_CHANGES):
            aws("cloudformation", "delete-change-set", "--change-set-name", arn)
            print(f"{name}: no changes", flush=True)
        elif found.get("Status") == "CREATE_COMPLETE":
            changed += 1
            print(f"{name}: {len(found.get('Changes') or [])} change(s) ready for review", flush=True)
        else:
            failed.append(f"{name}: change set {found.get('Status')}: {reason}")
    if failed:
        raise Failed("\n".join(failed))
    return changed


def execute(stacks: list[dict]) -> int:
    """Execute every ready change set of ``stacks``; wait for the stacks. The number executed."""
    started = []
    for stack in stacks:
        name = stack["stack_name"]
        arn = change_set_id(name)
        if arn is None:  # the create action found no changes and deleted it
            print(f"{name}: no changes", flush=True)
            continue
        found = aws("cloudformation", "describe-change-set", "--change-set-name", arn)
        if found.get("ExecutionStatus") != "AVAILABLE":
            raise Failed(f"{name}: change set is {found.get('Status')}/{found.get('ExecutionStatus')}, "
                         "not ready to execute")
        aws("cloudformation", "execute-change-set", "--change-set-name", arn)
        started.append(name)
        print(f"{name}: executing", flush=True)
    failed = []
    for name in started:
        while True:
            status = stack_status(name) or "DELETE_COMPLETE"
            if not status.endswith("_IN_PROGRESS"):
                break
            time.sleep(POLL_SECONDS)
        if status in {"CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE"}:
            print(f"{name}: {status}", flush=True)
        else:
            failed.append(f"{name}: {status}")
    if failed:
        raise Failed("\n".join(failed))
    return len(started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["create", "execute"])
    parser.add_argument("--environment", required=True)
    parser.add_argument("--step", type=int, required=True, help="1 for the stacks that depend on none, ...")
    args = parser.parse_args(argv)
    folder = Path(__file__).resolve().parent / args.environment
    steps = levels(json.loads((folder / "stacks.json").read_text()))
    if not 1 <= args.step <= len(steps):
        print(f"step {args.step}: {args.environment} has steps 1 to {len(steps)}", file=sys.stderr)
        return 2
    stacks = steps[args.step - 1]
    try:
        if args.mode == "create":
            overrides = json.loads(os.environ.get("PARAMETER_OVERRIDES") or "{}")
            changed = create(folder, stacks, overrides, os.environ.get("CLOUDFORMATION_ROLE_ARN", ""),
                             os.environ.get("TEMPLATE_BUCKET", ""))
            print(f"{args.environment} step {args.step}: {changed} of {len(stacks)} stacks have changes")
        else:
            executed = execute(stacks)
            print(f"{args.environment} step {args.step}: {executed} of {len(stacks)} stacks changed")
    except Failed as failure:
        print(str(failure), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
