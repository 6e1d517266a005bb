"""Valid blueprints: unit forms, defaults, sorting, overlays, derived priorities and error_at positions."""
from __future__ import annotations

import ipaddress

import pydantic
import pytest

from generator.errors import InputError
from generator.model import load_blueprint


@pytest.mark.parametrize("cpu,memory,units,mib", [
    (256, 512, 256, 512),
    ("256", "512", 256, 512),
    ("0.25 vCPU", "512 MiB", 256, 512),
    (".5vcpu", "1gb", 512, 1024),
    ("1 vCPU", "2 GB", 1024, 2048),
    ("2 vCPU", "4 GiB", 2048, 4096),
    (4096, "30 GB", 4096, 30720),
])
def test_cpu_and_memory_forms(write_blueprint, cpu, memory, units, mib):
    path = write_blueprint(f"""
        name: shop
        network: {{cidr: 10.0.0.0/16}}
        services:
          worker: {{image: "example/worker:1.0", cpu: "{cpu}", memory: "{memory}"}}
        """.replace('"256"', "256").replace('"4096"', "4096").replace('"512"', '"512"'))
    service = load_blueprint(path)["default"].services["worker"]
    assert (service.cpu, service.memory) == (units, mib)


def test_defaults(write_blueprint):
    path = write_blueprint("""
        BASE
        """)
    envs = load_blueprint(path)
    assert list(envs) == ["default"]
    bp = envs["default"]
    assert (bp.name, bp.env, bp.description, bp.tags) == ("shop", "default", None, {})
    assert bp.network.cidr == ipaddress.IPv4Network("10.20.0.0/16")
    assert (bp.network.availability_zones, bp.network.nat) == (2, "per-az")
    assert (bp.network.subnets.public.prefix, bp.network.subnets.private.prefix,
            bp.network.subnets.isolated.prefix) == (24, 20, 24)
    https = bp.load_balancers["public"].https
    assert (https.certificate.parameter, https.certificate.arn) == ("CertificateArn", None)
    assert https.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    web = bp.services["web"]
    assert (web.cpu, web.memory, web.count, web.scaling, web.log_retention_days) == (256, 512, 1, None, 30)
    assert web.read_only_root_filesystem is True
    assert (web.flows, web.environment, web.secrets, web.egress, web.task_permissions) == ([], {}, {}, [], [])
    assert (web.command, web.health_check) == (None, None)
    assert (web.route.paths, web.route.host, web.route.priority, web.route.health_check) == (["/*"], None, 50000,
                                                                                              "/")


def test_full_service(write_blueprint):
    path = write_blueprint("""
        BASE
            count: 0
            flows: [api]
            environment: {ZED: z, DEBUG: false, WORKERS: 4, LOG_LEVEL: info}
            secrets:
              DB_PASSWORD: arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf
              API_TOKEN: arn:aws:ssm:eu-west-1:123456789012:parameter/shop/api-token
            egress: [{cidr: 203.0.113.0/24, port: 53, protocol: udp, reason: partner DNS}]
            command: [python, app.py]
            health_check: {command: [CMD-SHELL, "curl -f http://localhost:8080/ || exit 1"], retries: 5}
            task_permissions: [{actions: [s3:GetObject], resources: ["arn:aws:s3:::shop-assets/*"]}]
            read_only_root_filesystem: false
            log_retention_days: 365
          api:
            image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/api@sha256:""" + "a" * 64 + """
            port: 9000
            scaling: {min: 2, max: 6}
        """)
    bp = load_blueprint(path)["default"]
    assert list(bp.services) == ["api", "web"]
    web = bp.services["web"]
    assert web.count == 0 and web.flows == ["api"]
    assert list(web.environment.items()) == [("DEBUG", "false"), ("LOG_LEVEL", "info"), ("WORKERS", "4"),
                                             ("ZED", "z")]
    assert list(web.secrets) == ["API_TOKEN", "DB_PASSWORD"]
    egress = web.egress[0]
    assert (egress.cidr, egress.port, egress.protocol, egress.reason) == (
        ipaddress.IPv4Network("203.0.113.0/24"), 53, "udp", "partner DNS")
    assert web.command == ["python", "app.py"]
    assert (web.health_check.retries, web.health_check.interval, web.health_check.timeout) == (5, 30, 5)
    assert web.task_permissions[0].actions == ["s3:GetObject"]
    assert web.read_only_root_filesystem is False and web.log_retention_days == 365
    api = bp.services["api"]
    assert (api.scaling.min, api.scaling.max, api.scaling.cpu_target, api.route) == (2, 6, 60, None)


def test_models_are_frozen(write_blueprint):
    bp = load_blueprint(write_blueprint("BASE\n"))["default"]
    with pytest.raises(pydantic.ValidationError):
        bp.services["web"].port = 1


@pytest.mark.parametrize("cidr,zones,expected", [
    ("10.0.0.0/16", 6, (24, 20, 24)),
    ("10.0.0.0/20", 2, (27, 23, 27)),
    ("10.0.0.0/23", 2, (28, 27, 28)),
    ("192.168.0.0/22", 3, (28, 25, 28)),
])
def test_default_subnet_prefixes_scale_down_to_fit_six_zone_slots(write_blueprint, cidr, zones, expected):
    path = write_blueprint(f"""
        name: shop
        network: {{cidr: {cidr}, availability_zones: {zones}}}
        """)
    net = load_blueprint(path)["default"].network
    assert (net.subnets.public.prefix, net.subnets.private.prefix, net.subnets.isolated.prefix) == expected


def test_explicit_subnet_prefix_is_kept_and_others_scale(write_blueprint):
    path = write_blueprint("""
        name: shop
        network: {cidr: 10.0.0.0/20, subnets: {public: {prefix: 26}}}
        """)
    net = load_blueprint(path)["default"].network
    assert (net.subnets.public.prefix, net.subnets.private.prefix, net.subnets.isolated.prefix) == (26, 23, 27)
    assert net.explicit_tiers == frozenset({"public"})


def test_route_priorities_derive_from_specificity(write_blueprint):
    path = write_blueprint("""
        BASE
          admin: {image: "example/admin:1.0", port: 80, route: {load_balancer: public, host: admin.example.com}}
          api: {image: "example/api:1.0", port: 80, route: {load_balancer: public, path: /api/*}}
          beta: {image: "example/beta:1.0", port: 80, route: {load_balancer: public, path: /beta/*, priority: 20}}
        """)
    services = load_blueprint(path)["default"].services
    # the host rule first, then the path rule, the explicit 20 as written, the host-less catch-all '/*' (web) last;
    # the numbers are a function of each route alone (band by specificity + hash of the name), pinned here
    assert {name: s.route.priority for name, s in services.items()} == {"admin": 24624, "api": 46526, "beta": 20,
                                                                         "web": 50000}


OVERLAY = """
    BASE
        count: 2
        flows: [api]
        environment: {LOG_LEVEL: info, MODE: base}
      api:
        image: example/api:2.0
        port: 9000
    tags: {team: payments}
    environments:
      prod: {}
      dev:
        network: {nat: single}
        tags: {stage: dev}
        services:
          web:
            count: null
            scaling: {min: 1, max: 2}
            flows: []
            environment: {MODE: dev}
"""


def test_overlay_deep_merge(write_blueprint):
    envs = load_blueprint(write_blueprint(OVERLAY))
    assert list(envs) == ["dev", "prod"]
    dev, prod = envs["dev"], envs["prod"]
    assert (dev.env, prod.env) == ("dev", "prod")
    assert (dev.network.nat, prod.network.nat) == ("single", "per-az")
    assert dev.network.cidr == prod.network.cidr  # mappings merge: the rest of network is inherited
    assert (dev.tags, prod.tags) == ({"stage": "dev", "team": "payments"}, {"team": "payments"})
    assert (dev.services["web"].count, dev.services["web"].scaling.max) == (1, 2)  # null removed the base count
    assert (prod.services["web"].count, prod.services["web"].scaling) == (2, None)
    assert (dev.services["web"].flows, prod.services["web"].flows) == ([], ["api"])  # lists replace
    assert dev.services["web"].environment == {"LOG_LEVEL": "info", "MODE": "dev"}
    assert dev.services["api"] == prod.services["api"]


def test_error_at_points_at_the_line_that_set_the_value(write_blueprint):
    envs = load_blueprint(write_blueprint(OVERLAY))
    dev, prod = envs["dev"], envs["prod"]
    assert str(dev.error_at(("services", "web", "scaling"), "too many rules")) == (
        "blueprints/shop.yaml:28:18: environments.dev.services.web.scaling: too many rules")
    assert str(prod.error_at(("services", "web", "count"), "x")) == "blueprints/shop.yaml:13:12: services.web.count: x"
    assert str(dev.error_at(("network", "cidr"), "x")) == "blueprints/shop.yaml:3:9: network.cidr: x"
    assert str(dev.error_at(("network", "nat"), "x")) == "blueprints/shop.yaml:23:20: environments.dev.network.nat: x"
    # a defaulted value: the nearest key the user wrote
    assert str(prod.error_at(("services", "api", "egress", 0), "x")) == (
        "blueprints/shop.yaml:16:3: services.api.egress[0]: x")


def test_blueprint_without_services(write_blueprint):
    bp = load_blueprint(write_blueprint("""
        name: net-only
        network: {cidr: 172.16.0.0/20, availability_zones: 3, nat: single}
        """))["default"]
    assert (bp.services, bp.load_balancers) == ({}, {})


def test_json_blueprints_load_with_positions(write_blueprint):
    path = write_blueprint('{"name": "shop",\n "network": {"cidr": "10.20.0.0/16", "nat": "single"}}\n',
                           name="shop.json")
    assert load_blueprint(path)["default"].network.nat == "single"
    bad = write_blueprint('{"name": "shop",\n "network": {"cidr": "10.20.0.0/16", "nat": "one"}}\n',
                          name="bad.json")
    with pytest.raises(InputError) as caught:
        load_blueprint(bad)
    assert str(caught.value) == ("blueprints/bad.json:2:45: network.nat: 'one' is not valid (did you mean 'none'?; "
                                 "valid: per-az, single, none)")
