"""Each stack's parameter values: ``config.json`` first, then ``--parameter NAME=VALUE`` overrides.

``stackprint build`` writes ``REPLACE_WITH_…`` where only the user knows the value (a certificate ARN, a prefix
list id). Such a value left unfilled is refused here, naming the parameter and the stack, before any AWS call: a
half-deployed environment is worse than none.
"""
from __future__ import annotations

from generator.deploy.environment import Environment, Stack
from generator.errors import InputError, InputErrors

PLACEHOLDER_PREFIX = "REPLACE_WITH_"


def parse_overrides(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``["Name=value", ...]`` -> ``{"Name": "value"}``; the value may itself contain ``=``."""
    overrides: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--parameter {pair!r}: expected NAME=VALUE (e.g. PublicCertificateArn=arn:aws:acm:…)")
        overrides[name.strip()] = value
    return overrides


def stack_parameters(stack: Stack, overrides: dict[str, str]) -> dict[str, str]:
    """The values for one stack: its config.json, with the overrides it declares replacing them."""
    return {name: overrides.get(name, value) for name, value in sorted(stack.parameters.items())}


def resolve(environment: Environment, overrides: dict[str, str]) -> dict[str, dict[str, str]]:
    """stack name -> parameter values, or InputError(s) for unknown overrides and unfilled placeholders."""
    errors: list[InputError] = []
    known = sorted({name for stack in environment.stacks for name in stack.parameters})
    for name in sorted(set(overrides) - set(known)):
        errors.append(InputError(f"--parameter {name}: no stack of this environment takes it "
                                 f"(parameters: {', '.join(known) or 'none'})", path=environment.path))
    resolved = {}
    for stack in environment.stacks:
        values = stack_parameters(stack, overrides)
        for name, value in values.items():
            if value.startswith(PLACEHOLDER_PREFIX):
                errors.append(InputError(
                    f"parameter {name} of stack {stack.name} is still the placeholder {value} "
                    f"(pass --parameter {name}=<value>)", path=stack.config_path))
        resolved[stack.name] = values
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors)
    return resolved
