"""The AWS quotas a pipeline template must stay within, and the check that it does.

CodePipeline's structural quotas are fixed (they cannot be raised), from the CodePipeline User Guide, "Quotas in
AWS CodePipeline": 2 to 50 stages per pipeline, 1 to 50 actions per stage (at most 50 parallel and 50 sequential
ones), 500 actions per pipeline, 1,000 characters per action configuration value (so 1 KB of ParameterOverrides
JSON), 100 KB of resolved configuration per action. The API adds (botocore's model): 50 commands of 1,000
characters and 10 environment variables of 2,000 characters per action, 100 characters per stage or action name.
CloudFormation's own: 1 MB of template body (from S3; 51,200 bytes inline), 500 resources, 200 parameters and 200
outputs per template.

:func:`violations` lists every quota a rendered pipeline breaks, so the template builder can choose a layout that
breaks none, and a test can prove it at 500 services.
"""
from __future__ import annotations

MAX_STAGES = 50
MAX_ACTIONS_PER_STAGE = 50
MAX_RUN_ORDERS_PER_STAGE = 50  # "sequential actions in a stage"
MAX_ACTIONS_PER_PIPELINE = 500
MAX_CONFIGURATION_VALUE = 1000  # characters, every configuration value (ParameterOverrides included)
MAX_NAME = 100  # characters of a stage or action name
MAX_COMMANDS = 50
MAX_COMMAND = 1000
MAX_ENVIRONMENT_VARIABLES = 10
MAX_ENVIRONMENT_VALUE = 2000

MAX_TEMPLATE_BODY = 1_000_000  # bytes, a template body read from S3
MAX_RESOURCES = 500
MAX_PARAMETERS = 200
MAX_OUTPUTS = 200


def _literal_length(value) -> int:
    """The length of a configuration value as written (an intrinsic function counts as its JSON form, an upper
    bound of nothing but a stable measure; the values the pipeline uses resolve to ARNs and names of known size)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict) and "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
        return len(value["Fn::Sub"])
    return 0  # Ref / GetAtt: an ARN or a name, far below 1,000 characters


def pipeline_violations(stages: list[dict]) -> list[str]:
    """Every CodePipeline quota the ``Stages`` of a pipeline (plain template data) break, as readable lines."""
    found = []
    if not 2 <= len(stages) <= MAX_STAGES:
        found.append(f"{len(stages)} stages (2 to {MAX_STAGES})")
    total = 0
    for stage in stages:
        actions = stage.get("Actions", [])
        total += len(actions)
        name = stage.get("Name", "")
        if len(name) > MAX_NAME:
            found.append(f"stage {name[:40]}...: name over {MAX_NAME} characters")
        if not 1 <= len(actions) <= MAX_ACTIONS_PER_STAGE:
            found.append(f"stage {name}: {len(actions)} actions (1 to {MAX_ACTIONS_PER_STAGE})")
        orders = {action.get("RunOrder", 1) for action in actions}
        if len(orders) > MAX_RUN_ORDERS_PER_STAGE:
            found.append(f"stage {name}: {len(orders)} sequential run orders (at most {MAX_RUN_ORDERS_PER_STAGE})")
        for action in actions:
            found += _action_violations(name, action)
    if total > MAX_ACTIONS_PER_PIPELINE:
        found.append(f"{total} actions (at most {MAX_ACTIONS_PER_PIPELINE} per pipeline)")
    return found


def _action_violations(stage: str, action: dict) -> list[str]:
    found = []
    where = f"stage {stage}, action {action.get('Name', '')}"
    if len(action.get("Name", "")) > MAX_NAME:
        found.append(f"{where}: name over {MAX_NAME} characters")
    for key, value in (action.get("Configuration") or {}).items():
        if _literal_length(value) > MAX_CONFIGURATION_VALUE:
            found.append(f"{where}: configuration {key} over {MAX_CONFIGURATION_VALUE} characters")
    commands = action.get("Commands") or []
    if len(commands) > MAX_COMMANDS or any(len(c) > MAX_COMMAND for c in commands):
        found.append(f"{where}: commands over {MAX_COMMANDS} x {MAX_COMMAND} characters")
    variables = action.get("EnvironmentVariables") or []
    if len(variables) > MAX_ENVIRONMENT_VARIABLES or any(
            _literal_length(v.get("Value")) > MAX_ENVIRONMENT_VALUE for v in variables):
        found.append(f"{where}: environment variables over {MAX_ENVIRONMENT_VARIABLES} x "
                     f"{MAX_ENVIRONMENT_VALUE} characters")
    return found


def template_violations(template: dict, body: bytes) -> list[str]:
    """Every CloudFormation quota a template (its data and its bytes) breaks."""
    found = []
    for section, limit in (("Resources", MAX_RESOURCES), ("Parameters", MAX_PARAMETERS),
                           ("Outputs", MAX_OUTPUTS)):
        count = len(template.get(section) or {})
        if count > limit:
            found.append(f"{count} {section.lower()} (at most {limit})")
    if len(body) > MAX_TEMPLATE_BODY:
        found.append(f"{len(body):,} bytes of template body (at most {MAX_TEMPLATE_BODY:,})")
    return found
