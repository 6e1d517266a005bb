"""The guardrails stack's function code, kept as real Python modules and inlined into the template at build time.

:mod:`generator.guardrails.revert` is the auto-revert function (tested in-process against moto, see
tests/test_guardrails_function.py). CloudFormation's inline ``ZipFile`` code is limited to 4096 characters, so
:func:`inline_source` refuses a module that outgrew it rather than let a deploy fail.
"""
from __future__ import annotations

from importlib import resources

#: CloudFormation's limit on ``AWS::Lambda::Function`` ``Code.ZipFile`` (characters).
ZIPFILE_LIMIT = 4096


def inline_source(module: str = "revert") -> str:
    """The source of ``generator/guardrails/<module>.py``, as the template's ``ZipFile``."""
    text = resources.files(__package__).joinpath(f"{module}.py").read_text(encoding="utf-8")
    if len(text) > ZIPFILE_LIMIT:
        raise ValueError(f"generator/guardrails/{module}.py is {len(text)} characters: CloudFormation's inline "
                         f"ZipFile takes at most {ZIPFILE_LIMIT}")
    return text
