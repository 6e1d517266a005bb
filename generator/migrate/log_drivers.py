"""Log drivers: Fargate ships logs only through awslogs, splunk or awsfirelens.

A container with another driver is refused rather than silently switched, since the logs would go somewhere else.
"""
from __future__ import annotations

from generator.migrate.report import Report

FARGATE_LOG_DRIVERS = ("awslogs", "splunk", "awsfirelens")


def check(container: dict, base: tuple, report: Report) -> None:
    """Refuse a log driver Fargate does not support, naming the ones it does."""
    config = container.get("logConfiguration")
    if not isinstance(config, dict):
        return
    driver = config.get("logDriver")
    if driver not in FARGATE_LOG_DRIVERS:
        report.refuse(base + ("logConfiguration", "logDriver"),
                      f"log driver '{driver}' is not supported on Fargate (use awslogs, splunk or awsfirelens; "
                      f"awsfirelens can forward to most other destinations)", container["name"])
