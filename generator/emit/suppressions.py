"""Documented exceptions for third-party scanners, written next to the resource they concern.

Each one is a deliberate design decision with its reason in the template, so a reviewer running checkov sees the
argument rather than a bare failure. Nothing is suppressed for stackprint's own audit.
"""
from __future__ import annotations

PORT_80_REDIRECT = ("CKV_AWS_260", "port 80 only answers 301 redirects to HTTPS (no listener forwards on 80)")
LOG_BUCKET_SELF_LOGGING = ("CKV_AWS_18", "this is the access-log bucket; logging it into itself would loop")
INTERNAL_HTTP = [
    ("CKV_AWS_2", "internal balancer without https in the blueprint: private subnets only, reachable only from "
                  "the security groups of the flow matrix"),
    ("CKV_AWS_103", "plain HTTP listener on an internal balancer (see CKV_AWS_2); set https in the blueprint to "
                    "encrypt"),
]


def checkov_metadata(*skips: tuple[str, str]) -> dict:
    """``Metadata`` for a resource: ``{"checkov": {"skip": [{"id", "comment"}]}}``, sorted by id."""
    return {"checkov": {"skip": [{"id": rule, "comment": comment} for rule, comment in sorted(skips)]}}
