"""The fixed monthly cost of one environment: the always-on resources of its templates times the shipped price table.

Every number is an estimate from list prices (see :mod:`generator.report.prices`); usage-based charges are named in
``excluded`` rather than guessed. A resource whose class is not in the table is listed with no amount and counted in
``unpriced``, so a total never silently leaves it out.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from generator.report.prices import Prices
from generator.report.resources import Resources, Service


@dataclass(frozen=True)
class Line:
    item: str
    detail: str
    monthly: float | None  # None: no price in the table
    monthly_max: float | None = None  # autoscaled services: the cost at their maximum count


@dataclass(frozen=True)
class NatOption:
    mode: str  # per-az | single | none
    gateways: int
    monthly: float
    current: bool


@dataclass
class Estimate:
    lines: list[Line]
    nat_options: list[NatOption]
    excluded: list[str]
    prices: Prices
    unpriced: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(line.monthly for line in self.lines if line.monthly is not None)

    @property
    def total_max(self) -> float:
        """The total with every autoscaled service at its maximum count."""
        return sum((line.monthly_max if line.monthly_max is not None else line.monthly)
                   for line in self.lines if line.monthly is not None)


def money(value: float) -> str:
    return f"${value:,.2f}"


def _rate(value: float) -> str:
    """An hourly or monthly unit price as written in the table (no rounding)."""
    return f"${value:g}"


def nat_mode(resources: Resources) -> str:
    """The NAT layout the templates have: none, single (one gateway for several zones) or per-az."""
    count = len(resources.nat_gateways)
    if count == 0:
        return "none"
    if count == 1 and resources.zones != 1:
        return "single"
    return "per-az" if count == resources.zones else f"{count} gateways"


def nat_options(resources: Resources, prices: Prices) -> list[NatOption]:
    """per-az vs single vs none for this environment's zones: each gateway's hours plus its public IPv4 address."""
    each = (prices.usd("nat_gateway_hour") + prices.usd("public_ipv4_hour")) * prices.hours
    zones = max(resources.zones, 1)
    current = nat_mode(resources)
    return [NatOption("per-az", zones, zones * each, current == "per-az"),
            NatOption("single", 1, each, current == "single"),
            NatOption("none", 0, 0.0, current == "none")]


def _service_line(service: Service, prices: Prices) -> Line:
    name = f"Fargate: {service.name}"
    if service.vcpu is None or service.memory_gb is None or service.desired is None:
        return Line(name, "task size or count known only at deploy time", None)
    vcpu_rate, gb_rate = prices.fargate(service.arm)
    per_task = (service.vcpu * vcpu_rate + service.memory_gb * gb_rate) * prices.hours
    arch = "ARM64" if service.arm else "x86"
    detail = (f"{service.desired} × ({service.vcpu:g} vCPU × {_rate(vcpu_rate)} + {service.memory_gb:g} GB × "
              f"{_rate(gb_rate)}) per hour, Linux/{arch}")
    monthly_max = None
    if service.minimum is not None and service.maximum is not None:
        monthly_max = service.maximum * per_task
        detail += (f"; autoscaling {service.minimum}..{service.maximum} tasks: "
                   f"{money(service.minimum * per_task)}..{money(monthly_max)}")
    if service.spot:  # Spot prices move with spare capacity: the on-demand price is the ceiling
        detail += "; its Fargate Spot tasks counted at the on-demand price (Spot is up to 70 % less, and varies)"
    return Line(name, detail, service.desired * per_task, monthly_max)


def _database_lines(resources: Resources, prices: Prices) -> list[Line]:
    lines = []
    for db in resources.databases:
        name = f"RDS: {db.name}"
        deployment = "Multi-AZ" if db.multi_az and not db.aurora else ("Aurora instance" if db.aurora else "single-AZ")
        hourly = prices.rds_instance(db.engine, db.instance_class, db.multi_az and not db.aurora)
        if hourly is None:
            lines.append(Line(name, f"{db.engine or 'engine unknown'} {db.instance_class or 'class unknown'} "
                                    f"{deployment}: no price in the table for this engine and class", None))
            continue
        monthly = hourly * prices.hours
        detail = f"{db.engine} {db.instance_class} {deployment}: {_rate(hourly)}/hour"
        if db.storage_gb is not None:
            per_gb = prices.rds_storage(db.storage_type, db.multi_az)
            if per_gb is None:
                detail += f"; {db.storage_type} storage: no price in the table (not counted)"
            else:
                monthly += db.storage_gb * per_gb
                detail += f" + {db.storage_gb} GB {db.storage_type or 'gp2'} × {_rate(per_gb)}/GB-month"
        elif db.aurora:
            detail += "; Aurora storage and I/O are usage-based (not counted)"
        else:
            detail += "; allocated storage not known from the templates (not counted)"
        lines.append(Line(name, detail, monthly))
    return lines


def estimate(resources: Resources, prices: Prices) -> Estimate:
    """The fixed monthly cost of ``resources`` at ``prices``."""
    hours = prices.hours
    lines: list[Line] = []
    if resources.nat_gateways:
        count = len(resources.nat_gateways)
        lines.append(Line("NAT gateways", f"{count} × {_rate(prices.usd('nat_gateway_hour'))}/hour",
                          count * prices.usd("nat_gateway_hour") * hours))
    balancer_ips = sum(b.zones for b in resources.balancers if b.internet_facing)
    if resources.elastic_ips or balancer_ips:
        parts = []
        if resources.elastic_ips:
            parts.append(f"{resources.elastic_ips} Elastic IP{'s' if resources.elastic_ips != 1 else ''}")
        if balancer_ips:
            parts.append(f"{balancer_ips} on internet-facing balancers (one per zone; AWS may add more)")
        count = resources.elastic_ips + balancer_ips
        lines.append(Line("Public IPv4 addresses", f"{' + '.join(parts)} × {_rate(prices.usd('public_ipv4_hour'))}"
                                                   "/hour", count * prices.usd("public_ipv4_hour") * hours))
    for balancer in resources.balancers:
        key = {"application": "alb_hour", "network": "nlb_hour"}.get(balancer.kind)
        scheme = "internet-facing" if balancer.internet_facing else "internal"
        if key is None:
            lines.append(Line(f"Load balancer: {balancer.name}", f"{balancer.kind}: no price in the table", None))
        else:
            lines.append(Line(f"Load balancer: {balancer.name}",
                              f"{balancer.kind}, {scheme}: {_rate(prices.usd(key))}/hour",
                              prices.usd(key) * hours))
    if resources.interface_endpoints:
        zone_hours = sum(zones for _, zones in resources.interface_endpoints)
        names = ", ".join(service for service, _ in resources.interface_endpoints)
        lines.append(Line("Interface VPC endpoints",
                          f"{names}: {zone_hours} endpoint-zones × {_rate(prices.usd('interface_endpoint_az_hour'))}"
                          "/hour", zone_hours * prices.usd("interface_endpoint_az_hour") * hours))
    lines.extend(_service_line(service, prices) for service in resources.services)
    lines.extend(_database_lines(resources, prices))
    if resources.kms_keys:
        lines.append(Line("KMS keys", f"{resources.kms_keys} × {money(prices.usd('kms_key_month'))}/month",
                          resources.kms_keys * prices.usd("kms_key_month")))
    if resources.web_acls:
        rules = sum(resources.web_acls)
        lines.append(Line("AWS WAF web ACLs", f"{len(resources.web_acls)} × {money(prices.usd('waf_web_acl_month'))}"
                                              f"/month + {rules} rules × {money(prices.usd('waf_rule_month'))}/month",
                          len(resources.web_acls) * prices.usd("waf_web_acl_month")
                          + rules * prices.usd("waf_rule_month")))
    if resources.secrets:
        lines.append(Line("Secrets Manager secrets", f"{resources.secrets} × {money(prices.usd('secret_month'))}"
                                                     "/month (including RDS-managed master passwords)",
                          resources.secrets * prices.usd("secret_month")))
    excluded = [f"NAT gateway {prices.excludes('nat_gateway_hour')}" if resources.nat_gateways else "",
                f"load balancer {prices.excludes('alb_hour')}" if resources.balancers else "",
                f"interface endpoint {prices.excludes('interface_endpoint_az_hour')}"
                if resources.interface_endpoints else "",
                "data transfer between zones and out to the internet",
                "CloudWatch Logs ingestion and storage, VPC flow logs, S3 storage and requests, backups beyond the "
                "free allowance",
                f"KMS {prices.excludes('kms_key_month')}" if resources.kms_keys else "",
                f"AWS WAF {prices.excludes('waf_web_acl_month')}" if resources.web_acls else ""]
    return Estimate(lines, nat_options(resources, prices), [e for e in excluded if e], prices,
                    [line.item for line in lines if line.monthly is None])
