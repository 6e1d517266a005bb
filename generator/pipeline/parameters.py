"""The pipeline template's parameters: the source connection, one deployment role pair per environment, and one
parameter per placeholder of every stack (``REPLACE_WITH_...`` in config.json), each with its config.json value.

Names are PascalCase logical ids built from the environment, the stack's short name and the stack parameter
(``ProdNetworkPublicCertificateArn``), so a reviewer reading ParameterOverrides knows where each value goes.
"""
from __future__ import annotations

from dataclasses import dataclass

from troposphere import Parameter

from generator.errors import InputError
from generator.naming import pascal
from generator.pipeline.inputs import Environment, Placeholder, Stack

CONNECTION_PATTERN = (r"^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:[0-9]{12}:"
                      r"connection/[0-9a-f-]+$")
REPOSITORY_PATTERN = r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+$"
BRANCH_PATTERN = r"^[A-Za-z0-9._/-]+$"
ROLE_PATTERN = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$"
DEFAULT_BRANCH = "main"

CONNECTION = "ConnectionArn"
REPOSITORY = "FullRepositoryId"
BRANCH = "BranchName"
#: Copied from the stack template's parameter definition; everything else there (Description) is rewritten.
_COPIED = ("AllowedPattern", "AllowedValues", "ConstraintDescription", "MaxLength", "MinLength", "Type")
#: Stack parameter types CloudFormation checks against the deploying account (the group must exist there): the
#: pipeline's own parameter is a String of the same shape, since the pipeline may live in another account.
_AWS_SPECIFIC = {"AWS::EC2::SecurityGroup::Id": r"^sg-[0-9a-f]{8,17}$"}


@dataclass(frozen=True)
class PipelineParameter:
    """One parameter of the pipeline template and the value pipeline.config.json gives it."""

    parameter: Parameter
    value: str

    @property
    def name(self) -> str:
        return self.parameter.title


def role_name(env: str) -> str:
    """The parameter holding the ARN of the role CloudFormation uses to deploy ``env``'s stacks."""
    return f"{pascal(env)}CloudFormationRoleArn"


def action_role_name(env: str) -> str:
    """The optional parameter holding the ARN of the role the pipeline assumes for ``env`` (another account)."""
    return f"{pascal(env)}ActionRoleArn"


def action_role_condition(env: str) -> str:
    return f"Has{pascal(env)}ActionRole"


def override_name(env: str, stack: Stack, placeholder: Placeholder) -> str:
    """The pipeline parameter that fills ``placeholder`` of ``stack`` in ``env``."""
    return f"{pascal(env)}{pascal(stack.short)}{placeholder.name}"


def source_parameters() -> list[PipelineParameter]:
    """Where the pipeline reads the repository from (a CodeConnections / CodeStar connection)."""
    return [
        PipelineParameter(Parameter(
            CONNECTION, Type="String", AllowedPattern=CONNECTION_PATTERN,
            Description="ARN of the CodeConnections (CodeStar) connection to the repository host, in AVAILABLE state",
            ConstraintDescription="must be a codeconnections or codestar-connections connection ARN"),
            "REPLACE_WITH_CONNECTION_ARN"),
        PipelineParameter(Parameter(
            REPOSITORY, Type="String", AllowedPattern=REPOSITORY_PATTERN,
            Description="Repository that holds the committed out/ directory, as owner/name",
            ConstraintDescription="must be owner/name"), "REPLACE_WITH_OWNER_AND_REPOSITORY"),
        PipelineParameter(Parameter(
            BRANCH, Type="String", Default=DEFAULT_BRANCH, AllowedPattern=BRANCH_PATTERN,
            Description="Branch whose pushes (touching this blueprint's out/ files) start the pipeline",
            ConstraintDescription="must be a branch name"), DEFAULT_BRANCH),
    ]


def environment_parameters(env: Environment) -> list[PipelineParameter]:
    """The deployment roles of one environment: CloudFormation's service role, and the optional action role."""
    return [
        PipelineParameter(Parameter(
            role_name(env.name), Type="String", AllowedPattern=ROLE_PATTERN,
            Description=f"ARN of the role CloudFormation assumes to deploy the {env.name} stacks (created outside "
                        "this template; in the target account for a cross-account deployment)",
            ConstraintDescription="must be an IAM role ARN"), "REPLACE_WITH_CLOUDFORMATION_ROLE_ARN"),
        PipelineParameter(Parameter(
            action_role_name(env.name), Type="String", Default="", AllowedPattern=f"^({ROLE_PATTERN[1:-1]})?$",
            Description=f"Optional ARN of an existing role in the {env.name} target account that the pipeline "
                        "assumes to create and execute the change sets (cross-account); empty: the pipeline's own "
                        "role",
            ConstraintDescription="must be empty or an IAM role ARN"), ""),
    ]


def override_parameters(env: Environment) -> list[PipelineParameter]:
    """One parameter per placeholder of every stack of ``env``, typed like the stack's own parameter."""
    found = []
    for stack in env.stacks:
        for placeholder in stack.placeholders:
            definition = {k: placeholder.definition[k] for k in _COPIED if k in placeholder.definition}
            definition.setdefault("Type", "String")
            if definition["Type"] in _AWS_SPECIFIC:  # checked where the stack deploys, maybe another account
                definition.update(Type="String", AllowedPattern=_AWS_SPECIFIC[definition["Type"]])
            what = placeholder.definition.get("Description") or "placeholder value"
            found.append(PipelineParameter(Parameter(
                override_name(env.name, stack, placeholder),
                Description=f"{placeholder.name} of stack {stack.name}: {what}"[:4000], **definition),
                placeholder.placeholder))
    return found


def all_parameters(environments: list[Environment], source: str) -> list[PipelineParameter]:
    """Every parameter of the pipeline template; two that would share a name are an error (never silently one)."""
    found = source_parameters()
    for env in environments:
        found += environment_parameters(env) + override_parameters(env)
    seen: dict[str, str] = {}
    for parameter in found:
        if parameter.name in seen:
            raise InputError(f"pipeline parameter {parameter.name} would be needed twice (rename an environment "
                             "or service so their PascalCase names differ)", path=source)
        seen[parameter.name] = parameter.name
    return found
