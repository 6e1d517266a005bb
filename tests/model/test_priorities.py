"""Derived listener-rule priorities: evaluation order by specificity, and stability when services come and go.

A default priority is a function of one route (host, paths, service name), so a new service can never renumber an
existing rule (ALB would refuse the duplicate with PriorityInUse while the stacks update one by one).
"""
from __future__ import annotations

import json
import random
import string

import pytest

from generator.errors import InputError
from generator.model import defaults
from generator.model.loader import load_blueprint_text
from generator.model.services import Route

PATH = "blueprints/shop.yaml"
LITERALS = string.ascii_lowercase + string.digits + "-_."
HOSTS = [None, "shop.example.com", "*.example.com"]


def _route(path: str | list[str], host: str | None = None, priority: int | None = None) -> Route:
    return Route.model_validate({"load_balancer": "public", "path": path, "host": host, "priority": priority})


def _segment(rng: random.Random, max_len: int) -> str:
    return "".join(rng.choice(LITERALS) for _ in range(rng.randint(1, max_len)))


def _name(rng: random.Random) -> str:
    return rng.choice(string.ascii_lowercase) + _segment(rng, 10).replace(".", "-").replace("_", "-")


def _narrower(rng: random.Random, prefix: str) -> str:
    """A pattern matching a strict subset of ``prefix + '*'``: the exact prefix, or the prefix extended."""
    kind = rng.choice(["exact", "deeper", "wild-in-middle", "one-char"])
    if kind == "exact":
        return prefix
    if kind == "deeper":
        return prefix + _segment(rng, 8) + rng.choice(["/*", "*", ""])
    if kind == "wild-in-middle":
        return prefix + "*/" + _segment(rng, 5)
    return prefix + "?" + rng.choice(["*", ""])


def test_band_layout_fits_the_alb_range():
    # the last number of the last band stays below the catch-all, which is the ALB maximum
    assert 1 + defaults.BANDS * defaults.BAND_SIZE - 1 < defaults.CATCH_ALL_PRIORITY == 50000
    most_specific = _route("/" + "a" * 127, host="a.example.com")
    broadest_with_host = _route("/**", host="a.example.com")
    broadest = _route("/**")
    for name in ("a", "zz", "service-with-a-long-name"):
        for route in (most_specific, broadest_with_host, broadest):
            assert 1 <= defaults.default_priority(name, route) < 50000


def test_a_more_specific_path_always_gets_a_lower_number():
    """Same balancer, same host: a pattern matching a strict subset of a broader one's paths comes first, whatever
    the services' names."""
    rng = random.Random(20261129)
    for _ in range(3000):
        host = rng.choice(HOSTS)
        prefix = "/" + "/".join(_segment(rng, 6) for _ in range(rng.randint(0, 3)))
        prefix = prefix if prefix.endswith("/") or rng.random() < 0.3 else prefix + "/"
        narrow = _narrower(rng, prefix)
        if sum(c != "*" for c in narrow) > defaults.MAX_LITERAL or narrow == "/*":
            continue
        broad_name, narrow_name = _name(rng), _name(rng)
        broad = defaults.default_priority(broad_name, _route(prefix + "*", host))
        specific = defaults.default_priority(narrow_name, _route(narrow, host))
        assert specific < broad, (narrow, prefix + "*", host)


def test_a_rule_is_as_broad_as_its_broadest_pattern():
    assert defaults.band(_route(["/api/v1/*", "/a*"])) == defaults.band(_route("/a*"))
    assert (defaults.default_priority("x", _route(["/api/v1/users/*", "/b/*"]))
            > defaults.default_priority("y", _route("/api/v1/*")))


def test_host_rules_come_before_host_less_rules():
    rng = random.Random(7)
    for _ in range(500):
        with_host = _route("/" + _segment(rng, 20) + rng.choice(["*", "/*", ""]) if rng.random() < 0.8 else "/*",
                           host=rng.choice(HOSTS[1:]))
        without = _route("/" + "/".join(_segment(rng, 30) for _ in range(3))[:100])
        assert defaults.default_priority(_name(rng), with_host) < defaults.default_priority(_name(rng), without)


def _blueprint(services: dict[str, dict]) -> str:
    """A blueprint as JSON (which is YAML) with the given routed services on one public balancer."""
    return json.dumps({
        "name": "shop", "network": {"cidr": "10.20.0.0/16"},
        "load_balancers": {"public": {"scheme": "internet-facing",
                                      "https": {"certificate": {"parameter": "CertificateArn"}}}},
        "services": {name: {"image": "example/app:1.0", "port": 8080, "route": {"load_balancer": "public", **route}}
                     for name, route in services.items()}}, indent=1)


def _priorities(services: dict[str, dict]) -> dict[str, int]:
    bp = load_blueprint_text(_blueprint(services), PATH)["default"]
    return {name: s.route.priority for name, s in bp.services.items()}


def _random_route(rng: random.Random) -> dict:
    route: dict = {}
    roll = rng.random()
    if roll < 0.15:
        route["path"] = "/*"
    elif roll < 0.9:
        route["path"] = "/" + "/".join(_segment(rng, 6) for _ in range(rng.randint(1, 3))) + rng.choice(["/*", "*", ""])
    if rng.random() < 0.3:
        route["host"] = rng.choice(HOSTS[1:])
    if rng.random() < 0.1:
        route["priority"] = rng.randint(1, 50000)
    return route


def _random_services(rng: random.Random, count: int) -> dict[str, dict]:
    services: dict[str, dict] = {}
    while len(services) < count:
        services[_name(rng)] = _random_route(rng)
    return services


def test_adding_or_removing_a_service_never_changes_another_rule():
    """Property over random blueprints: every blueprint that loads gives each service the same priority it has in
    any other loading blueprint with that service's route; a clash is an error, never a silent renumbering."""
    rng = random.Random(13)
    checked = 0
    for _ in range(150):
        services = _random_services(rng, rng.randint(1, 8))
        try:
            before = _priorities(services)
        except InputError:
            continue
        added = dict(services)
        added[_name(rng)] = _random_route(rng)
        try:
            after = _priorities(added)
        except InputError as error:
            assert "priority" in str(error) or "is also routed" in str(error), error
            continue
        assert {name: after[name] for name in before} == before
        removed = dict(services)
        removed.pop(rng.choice(sorted(services)))
        if removed:
            assert _priorities(removed) == {name: before[name] for name in removed}
        checked += 1
    assert checked > 100


def test_the_host_less_catch_all_is_always_last():
    rng = random.Random(99)
    checked = 0
    for _ in range(150):
        services = _random_services(rng, rng.randint(1, 8))
        services = {n: r for n, r in services.items() if r.get("path", "/*") != "/*" or r.get("host")}
        services = {n: {k: v for k, v in r.items() if k != "priority"} for n, r in services.items()}
        services["catch-all"] = {"path": "/*"}
        try:
            priorities = _priorities(services)
        except InputError:
            continue
        assert priorities["catch-all"] == 50000
        assert max(priorities, key=priorities.get) == "catch-all"
        checked += 1
    assert checked > 100


def _error(services: dict[str, dict]) -> str:
    with pytest.raises(InputError) as caught:
        _priorities(services)
    return str(caught.value)


def test_two_derived_priorities_that_clash_ask_for_an_explicit_one():
    # svc7 and svc28 hash to the same place in a band; on one balancer with equally specific paths they clash
    assert defaults.name_offset("svc7") == defaults.name_offset("svc28")
    clash = defaults.default_priority("svc7", _route("/a/*"))
    message = _error({"svc28": {"path": "/b/*"}, "svc7": {"path": "/a/*"}})
    line = _blueprint({"svc28": {"path": "/b/*"}, "svc7": {"path": "/a/*"}}).splitlines().index('  "svc7": {') + 4
    assert message == (f"{PATH}:{line}:13: services.svc7.route: its derived priority {clash} (from host, path and "
                       f"service name) is also derived for services.svc28.route on load balancer 'public' (set "
                       f"priority: {clash + 1} on the one you are adding, so the other rule keeps its number)")
    # taking the hint loads, and the other service keeps its number
    fixed = _priorities({"svc28": {"path": "/b/*"}, "svc7": {"path": "/a/*", "priority": clash + 1}})
    assert fixed == {"svc28": clash, "svc7": clash + 1}
    # in different bands (another depth, a host) or on different names they do not clash
    assert len(set(_priorities({"svc28": {"path": "/b/*"}, "svc7": {"path": "/a/b/*"}}).values())) == 2
    assert len(set(_priorities({"svc28": {"path": "/b/*"}, "svc7": {"path": "/a/*", "host": "a.example.com"}})
                   .values())) == 2


def test_an_explicit_priority_may_not_take_a_derived_one():
    derived = defaults.default_priority("api", _route("/api/*"))
    message = _error({"api": {"path": "/api/*"}, "web": {"path": "/web/*", "priority": derived}})
    assert message.endswith(f"services.web.route.priority: priority {derived} is the derived priority of "
                            f"services.api.route on load balancer 'public' (each rule needs its own: choose "
                            f"another, e.g. {derived + 1}, or, if api is the service you are adding, set a priority "
                            f"there)")
    message = _error({"web": {}, "api": {"path": "/api/*", "priority": 50000}})
    assert message.endswith("services.api.route.priority: priority 50000 is the derived priority of "
                            "services.web.route on load balancer 'public' (each rule needs its own: choose another, "
                            "or, if web is the service you are adding, set a priority there)")


def test_explicit_priorities_are_kept_as_written():
    assert _priorities({"web": {"priority": 7}, "api": {"path": "/api/*", "priority": 8}}) == {"api": 8, "web": 7}
