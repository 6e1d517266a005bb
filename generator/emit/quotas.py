"""CloudFormation's per-stack quotas, checked on every rendered template before anything is written.

The plan lays stacks out so that no blueprint within the documented limits (docs/output.md) comes near these; this
check is the safety net that turns a layout the plan did not foresee into one clear input error instead of a
deploy that fails after an hour.
"""
from __future__ import annotations

from dataclasses import dataclass

#: CloudFormation quotas per stack (AWS: "CloudFormation quotas").
RESOURCES, OUTPUTS, PARAMETERS = 500, 200, 200
BODY_BYTES = 1_000_000  # the largest template body CloudFormation accepts from S3 (1 MB)
INLINE_BYTES = 51_200  # the largest body passed inline (aws cloudformation deploy without --s3-bucket)


@dataclass(frozen=True)
class Usage:
    """What one rendered template uses of its stack's quotas."""

    resources: int
    outputs: int
    parameters: int
    body: int  # bytes

    @classmethod
    def of(cls, template, body: bytes) -> "Usage":
        return cls(len(template.resources), len(template.outputs), len(template.parameters), len(body))

    def excess(self) -> list[str]:
        """What is over a quota, worded for the user (empty when the stack fits)."""
        found = [f"{used:,} {what} (at most {limit:,} per stack)" for used, limit, what in (
            (self.resources, RESOURCES, "resources"), (self.outputs, OUTPUTS, "outputs"),
            (self.parameters, PARAMETERS, "parameters")) if used > limit]
        if self.body > BODY_BYTES:
            found.append(f"a {self.body:,}-byte template (at most {BODY_BYTES:,} bytes, even from S3)")
        return found
