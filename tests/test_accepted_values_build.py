"""Every value the language accepts builds, or `validate` refuses it naming what to change (issue 13).

Sweeps the database language's enumerations and ranges through the real gates: each engine with every version
`validate` accepts (cfn-lint's own list, :mod:`generator.model.engine_versions`) passes the lint gate, and the
ends of the ranges (storage, backup retention with its relax key) pass the lint and audit gates.
"""
from __future__ import annotations

import re

import pytest

from generator import compile as compile_module
from generator.model import load_blueprint_text
from generator.model.databases import ENGINES, VERSION_PATTERNS
from generator.model.engine_versions import valid_versions
from generator.plan import plan

BASE = "name: sweep\nnetwork: {cidr: 10.50.0.0/16}\n"
REASON = "dev data is re-seeded from fixtures every night"


def _rendered(text: str) -> dict[str, str]:
    """The templates exactly as build renders them (stated exceptions applied), before the gates."""
    (bp,) = load_blueprint_text(text, "sweep.yaml").values()
    files = compile_module.render(plan(bp), "sweep.yaml").files
    return {name: data.decode("utf-8") for name, data in files.items() if name.endswith(".template.yaml")}


def _accepted(engine: str) -> list[str]:
    return [v for v in valid_versions(engine) if re.fullmatch(VERSION_PATTERNS[engine][0], v)]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_every_version_validate_accepts_passes_the_lint_gate(engine):
    versions = _accepted(engine)
    assert versions
    databases = "".join(f"  v{i}: {{engine: {engine}, version: '{v}'}}\n" for i, v in enumerate(versions))
    rendered = _rendered(BASE + "databases:\n" + databases)
    assert compile_module.GATES[0](rendered) == []


@pytest.mark.parametrize("fields", [
    "storage_gb: 20", "storage_gb: 65536", "backup_retention_days: 35",
    f"backup_retention_days: 1, relax: {{backup_retention: '{REASON}'}}",
])
@pytest.mark.parametrize("engine", ["postgres", "aurora-mysql"])
def test_the_ends_of_the_ranges_pass_every_gate(engine, fields):
    if engine.startswith("aurora") and fields.startswith("storage_gb"):
        pytest.skip("Aurora storage grows by itself (validate refuses storage_gb)")
    rendered = _rendered(BASE + f"databases:\n  orders: {{engine: {engine}, {fields}}}\n")
    for gate in compile_module.GATES:
        assert gate(rendered) == [], gate


# --- the rest of the language: each enumerated value and each end of a range builds, or validate refuses it -------

SERVICE_BASE = {
    "name": "sweep",
    "network": {"cidr": "10.50.0.0/16"},
    "load_balancers": {"public": {"scheme": "internet-facing",
                                  "https": {"certificate": {"parameter": "CertificateArn"}}}},
    "services": {"web": {"image": "public.ecr.aws/nginx/nginx:1.27", "port": 8080,
                         "route": {"load_balancer": "public"}}},
}


def _schema_values() -> list[tuple[tuple, object]]:
    """(key path, value) for every enumerated value and range end the language accepts, from its JSON Schema."""
    from generator.model.schema import build_schema

    defs = build_schema()["$defs"]
    web, public, network = ("services", "web"), ("load_balancers", "public"), ("network",)
    where = {"Service": web, "LoadBalancer": public, "Https": public + ("https",), "Network": network,
             "Route": web + ("route",), "Scaling": web + ("scaling",), "Egress": web + ("egress", 0),
             "ContainerHealthCheck": web + ("health_check",), "Tier": network + ("subnets", "private")}
    cases = []
    for model, base in where.items():
        for key, prop in defs[model]["properties"].items():
            for option in prop.get("anyOf", [prop]):
                values = list(option.get("enum", []))
                values += [option[bound] for bound in ("minimum", "maximum") if bound in option]
                if option.get("type") == "array" and "enum" in option.get("items", {}):
                    values = [[value] for value in option["items"]["enum"]]
                cases += [(base + (key,), value) for value in values]
    return cases


def _with(path: tuple, value) -> dict:
    import copy

    data = copy.deepcopy(SERVICE_BASE)
    parent = data
    for key, following in zip(path[:-1], path[1:]):
        if isinstance(key, int):
            while len(parent) <= key:
                parent.append({})
            parent = parent[key]
            continue
        parent = parent.setdefault(key, [] if isinstance(following, int) else {})
    parent[path[-1]] = value
    return data


def _ensure_complete(data: dict, path: tuple, value) -> None:
    """Fill what the swept value needs besides itself (an egress rule's destination and reason, a memory size the
    CPU accepts, endpoints without NAT), so each case judges the value rather than a half-written blueprint."""
    from generator import fargate

    web = data["services"]["web"]
    if "egress" in web:
        web["egress"][0] = {"port": 443, "protocol": "tcp", "cidr": "0.0.0.0/0",
                            "reason": "calls a payment provider API", **web["egress"][0]}
    if "health_check" in web:
        web["health_check"] = {"command": ["CMD-SHELL", "true"], **web["health_check"]}
    if "scaling" in web:
        web["scaling"] = {"min": 1, "max": max(2, web["scaling"].get("min", 0)), **web["scaling"]}
    if path[-1] == "cpu":
        web["memory"] = fargate.valid_memory(value)[0]
    if path[-1] == "type" and value == "network":  # a network balancer terminates TLS with tls, on its own port
        balancer = data["load_balancers"]["public"]
        balancer["tls"] = balancer.pop("https")
        web["route"]["listener"] = 8443
    if path[-1] == "nat" and value == "none":
        data["network"]["endpoints"] = ["ecr.api", "ecr.dkr", "logs", "s3"]
        web["image"] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.0.0"  # only private ECR without NAT


def _dotted(path: tuple) -> str:
    return "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in path).lstrip(".")


@pytest.mark.slow
@pytest.mark.parametrize("path, value", _schema_values(), ids=lambda x: str(x))
def test_every_accepted_value_builds_or_validate_refuses_it(path, value):
    import yaml

    from generator.errors import InputError

    data = _with(path, value)
    _ensure_complete(data, path, value)
    text = yaml.safe_dump(data, sort_keys=False)
    try:
        (bp,) = load_blueprint_text(text, "sweep.yaml").values()
        layout = plan(bp)
    except InputError as exc:
        # refused by validate, positioned at the swept key or the object holding it: the other allowed outcome
        assert f": {_dotted(path)}:" in str(exc) or f": {_dotted(path[:-1])}:" in str(exc), str(exc)
        return
    files = compile_module.render(layout, "sweep.yaml").files
    rendered = {name: data.decode("utf-8") for name, data in files.items() if name.endswith(".template.yaml")}
    for gate in compile_module.GATES:
        assert gate(rendered) == [], (gate, text)
