"""Stack parameters: what a pipeline must supply to a stack, defined once by the emitter that needs it.

The same :class:`StackParameter` becomes the template's ``Parameters`` entry, the placeholder written into the
stack's ``config.json`` and the row of the environment README, so the three can never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass

from troposphere import Parameter, Template


@dataclass(frozen=True)
class StackParameter:
    """One string parameter: its template description, allowed pattern, and the placeholder ``config.json`` holds
    until someone supplies the real value (the pattern rejects it, so a forgotten placeholder fails early)."""

    name: str
    description: str
    pattern: str
    constraint: str
    placeholder: str
    guidance: str = ""  # what the README says instead of the description, when a reader needs more (a command)
    #: An AWS-specific type (``AWS::EC2::SecurityGroup::Id``, ``AWS::EC2::VPC::Id``...) makes CloudFormation check
    #: the value exists; such a parameter takes no AllowedPattern. ``default`` is the value an SSM-typed parameter
    #: reads (its SSM name), or an id the blueprint wrote itself (network.existing).
    type: str = "String"
    default: str | None = None

    @property
    def readme(self) -> str:
        """The README's description of the parameter."""
        return self.guidance or self.description

    def add_to(self, template: Template) -> None:
        if self.type != "String":
            extra = {"Default": self.default} if self.default is not None else {}
            if self.constraint:
                extra["ConstraintDescription"] = self.constraint
            template.add_parameter(Parameter(self.name, Type=self.type, Description=self.description, **extra))
            return
        extra = {"Default": self.default} if self.default is not None else {}
        template.add_parameter(Parameter(self.name, Type="String", AllowedPattern=self.pattern,
                                         Description=self.description, ConstraintDescription=self.constraint, **extra))
