"""checkov checks the pipeline template skips by design, each with the argument a reviewer reads in the template."""
from __future__ import annotations

LOG_BUCKET_SELF_LOGGING = ("CKV_AWS_18", "this is the access-log bucket of the artifact bucket; logging it into "
                                         "itself would loop")


def checkov_metadata(*skips: tuple[str, str]) -> dict:
    """``Metadata`` for a resource: ``{"checkov": {"skip": [{"id", "comment"}]}}``, sorted by id."""
    return {"checkov": {"skip": [{"comment": comment, "id": rule} for rule, comment in sorted(skips)]}}
