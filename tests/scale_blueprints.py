"""Generated blueprints of many services, for the stack-quota and growth-stability tests (and bench/ if it wants).

``own_balancers(n)``: every service behind its own internet-facing HTTPS balancer (the layout of CDK's
``ApplicationLoadBalancedFargateService`` x n), each calling the next service directly, one database per ten
services. ``shared_balancer(n)``: every service routed by one internet-facing balancer on its own path, over a few
container ports, each calling the next service through Cloud Map. The last service calls nobody, so adding one
more only adds (the growth-stability test relies on it).
"""
from __future__ import annotations

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666"
IMAGE = "public.ecr.aws/nginx/nginx:1.27"


def _header(name: str) -> list[str]:
    return [f"name: {name}", "network: {cidr: 10.0.0.0/16, availability_zones: 2, nat: per-az}"]


def own_balancers(count: int, databases_every: int = 10, name: str = "scale") -> str:
    lines = _header(name) + ["load_balancers:"]
    lines += [f"  lb{i:03}: {{scheme: internet-facing, https: {{certificate: {{arn: '{CERTIFICATE}'}}}}}}"
              for i in range(count)]
    databases = [f"db{i:03}" for i in range(0, count, databases_every)] if databases_every else []
    if databases:
        lines += ["databases:"] + [f"  {db}: {{engine: postgres}}" for db in databases]
    lines.append("services:")
    for i in range(count):
        flows = [f"svc{i + 1:03}"] if i + 1 < count else []
        if databases:
            flows.append(f"db{i - i % databases_every:03}")
        lines.append(f"  svc{i:03}: {{image: {IMAGE}, port: 8080, route: {{load_balancer: lb{i:03}}}, "
                     f"flows: [{', '.join(flows)}]}}")
    return "\n".join(lines) + "\n"


def shared_balancer(count: int, ports: int = 4, name: str = "shared") -> str:
    lines = _header(name) + ["load_balancers:",
                             f"  public: {{scheme: internet-facing, https: {{certificate: {{arn: '{CERTIFICATE}'}}}}}}",
                             "services:"]
    for i in range(count):
        flows = f", flows: [svc{i + 1:03}]" if i + 1 < count else ""
        lines.append(f"  svc{i:03}: {{image: {IMAGE}, port: {8080 + i % ports}, route: {{load_balancer: public, "
                     f"path: '/svc{i:03}/*', priority: {i + 1}}}{flows}}}")
    return "\n".join(lines) + "\n"
