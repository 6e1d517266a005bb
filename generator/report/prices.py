"""The shipped, dated price table (``prices-us-east-1.json``): us-east-1 list prices the cost estimate multiplies.

It is package data, read with :mod:`importlib.resources`; nothing is fetched at run time, so an estimate is the same
on every machine and says which month its prices are from.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

PRICE_FILE = "prices-us-east-1.json"


@dataclass(frozen=True)
class Prices:
    """The price table, with lookups that return None for what it does not hold (never a guess)."""

    data: dict

    @property
    def region(self) -> str:
        return self.data["region"]

    @property
    def taken(self) -> str:
        return self.data["taken"]

    @property
    def hours(self) -> int:
        return self.data["hours_per_month"]

    @property
    def sources(self) -> dict[str, str]:
        return dict(sorted(self.data["sources"].items()))

    def usd(self, name: str) -> float:
        return self.data["prices"][name]["usd"]

    def excludes(self, name: str) -> str:
        return self.data["prices"][name].get("excludes", "")

    def fargate(self, arm: bool) -> tuple[float, float]:
        """(per vCPU-hour, per GB-hour) for Linux tasks."""
        row = self.data["prices"]["fargate"]["arm64" if arm else "x86_64"]
        return row["vcpu_hour"], row["gb_hour"]

    def rds_instance(self, engine: str | None, instance_class: str | None, multi_az: bool) -> float | None:
        row = self.data["prices"]["rds_instance_hour"].get(engine or "", {}).get(instance_class or "")
        return row.get("multi_az" if multi_az else "single_az") if isinstance(row, dict) else None

    def rds_storage(self, storage_type: str | None, multi_az: bool) -> float | None:
        row = self.data["prices"]["rds_storage_gb_month"].get(storage_type or "gp2")
        return row.get("multi_az" if multi_az else "single_az") if isinstance(row, dict) else None


@lru_cache(maxsize=1)
def load_prices() -> Prices:
    """The price table shipped with stackprint."""
    text = resources.files("generator.report").joinpath(PRICE_FILE).read_text(encoding="utf-8")
    return Prices(json.loads(text))
