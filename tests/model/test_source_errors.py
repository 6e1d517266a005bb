"""Restricted sources (``allow_from: [...]``): every wrong use, and the exact positioned line a user gets.

Each case is a whole blueprint as a user would write it; the expected output is every error of the file, in order.
The rule quota needs the listener ports, so the plan checks it (test_restricted_sources.py).
"""
from __future__ import annotations

import pytest

from generator.errors import InputError, InputErrors
from generator.model import load_blueprint

P = "blueprints/shop.yaml"

CASES = [
    ("keyword-typo", """
        name: shop
        network: {cidr: 10.20.0.0/16}
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from: interne
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f"{P}:7:17: load_balancers.public.allow_from: 'interne' is not valid (valid: internet, cloudfront, or "
      f"a list of CIDRs and prefix lists)"]),
    ("scalar-cidr", """
        name: shop
        network: {cidr: 10.20.0.0/16}
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from: 203.0.113.0/24
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f"{P}:7:17: load_balancers.public.allow_from: '203.0.113.0/24' must be in a list (write allow_from: "
      f"[203.0.113.0/24])"]),
    ("mapping-not-list", """
        name: shop
        network: {cidr: 10.20.0.0/16}
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from: {cidr: 203.0.113.0/24}
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f'{P}:7:17: load_balancers.public.allow_from: expected a list, got a mapping']),
    ("empty-list", """
        name: shop
        network:
          cidr: 10.20.0.0/16
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from:
              []
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f'{P}:9:7: load_balancers.public.allow_from: must have at least 1 item']),
    ("host-bits", """
        name: shop
        network:
          cidr: 10.20.0.0/16
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from:
              - 203.0.113.5/24
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f"{P}:9:9: load_balancers.public.allow_from[0].cidr: '203.0.113.5/24' has host bits set (did you mean "
      f"203.0.113.0/24?)"]),
    ("host-bits-mapping", """
        name: shop
        network:
          cidr: 10.20.0.0/16
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from:
              - {cidr: 203.0.113.5/24, reason: partner A}
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f"{P}:9:16: load_balancers.public.allow_from[0].cidr: '203.0.113.5/24' has host bits set (did you "
      f"mean 203.0.113.0/24?)"]),
    ("non-canonical-v6", """
        name: shop
        network:
          cidr: 10.20.0.0/16
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from:
              - 2001:DB8::/32
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f"{P}:9:9: load_balancers.public.allow_from[0].cidr: '2001:DB8::/32' is not written canonically "
      f"(write 2001:db8::/32)"]),
    ("no-prefix", """
        name: shop
        network:
          cidr: 10.20.0.0/16
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from:
              - 203.0.113.7
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f"{P}:9:9: load_balancers.public.allow_from[0].cidr: '203.0.113.7' has no prefix length (write a "
      f"CIDR, e.g. 203.0.113.7/32 for one address)"]),
    ("world", """
        name: shop
        network:
          cidr: 10.20.0.0/16
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from:
              - {cidr: 0.0.0.0/0, reason: everyone}
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f'{P}:9:9: load_balancers.public.allow_from[0]: 0.0.0.0/0 is the whole internet (write allow_from: internet instead of a list)']),
    ("internet-in-list", """
        name: shop
        network:
          cidr: 10.20.0.0/16
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from:
              - internet
              - 203.0.113.0/24
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f'{P}:9:9: load_balancers.public.allow_from[0]: internet cannot be combined with a list of sources (write allow_from: internet alone, or list only CIDRs and prefix lists)']),
    ("bad-prefix-list", """
        name: shop
        network:
          cidr: 10.20.0.0/16
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from:
              - pl-123
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f"{P}:9:9: load_balancers.public.allow_from[0].prefix_list: 'pl-123' is not a managed prefix list id "
      f"(pl- and 8 or 17 hexadecimal digits, e.g. pl-0123456789abcdef0)"]),
    ("two-kinds", """
        name: shop
        network:
          cidr: 10.20.0.0/16
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from:
              - {cidr: 203.0.113.0/24, prefix_list: pl-0123456789abcdef0}
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f'{P}:9:9: load_balancers.public.allow_from[0]: set exactly one of cidr, prefix_list or parameter (e.g. {{cidr: 203.0.113.0/24, reason: partner A}})']),
    ("max-entries-on-cidr", """
        name: shop
        network:
          cidr: 10.20.0.0/16
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from:
              - {cidr: 203.0.113.0/24, max_entries: 3}
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f'{P}:9:9: load_balancers.public.allow_from[0]: max_entries applies to prefix lists only (a CIDR is one rule)']),
    ("unknown-key", """
        name: shop
        network:
          cidr: 10.20.0.0/16
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from:
              - {cidr: 203.0.113.0/24, reasn: partner A}
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f"{P}:9:32: load_balancers.public.allow_from[0].reasn: unknown key (did you mean 'reason'?)"]),
    ("bad-reason", """
        name: shop
        network:
          cidr: 10.20.0.0/16
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from:
              - {cidr: 203.0.113.0/24, reason: "partner A's proxies"}
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f"{P}:9:40: load_balancers.public.allow_from[0].reason: 'partner A's proxies' cannot be part of a "
      f"security-group rule description (up to 120 letters, digits, spaces and ._-:/()#,@[]+=&;{{}}!$*)"]),
    ("duplicate", """
        name: shop
        network:
          cidr: 10.20.0.0/16
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from:
              - 203.0.113.0/24
              - {cidr: 198.51.100.0/24, reason: partner B}
              - {cidr: 203.0.113.0/24, reason: partner A again}
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f'{P}:11:9: load_balancers.public.allow_from[2]: 203.0.113.0/24 is listed twice (also item 0; list each source once)']),
    ("overlap", """
        name: shop
        network:
          cidr: 10.20.0.0/16
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from:
              - 203.0.113.0/24
              - 203.0.113.128/25
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f'{P}:10:9: load_balancers.public.allow_from[1]: 203.0.113.128/25 overlaps item 0 (203.0.113.0/24): one range would be admitted twice (keep the wider one, or split them so they do not overlap)']),
    ("private-on-internet-facing", """
        name: shop
        network:
          cidr: 10.20.0.0/16
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from:
              - {cidr: 10.100.0.0/16, reason: corporate}
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f'{P}:9:9: load_balancers.public.allow_from[0]: 10.100.0.0/16 is not an internet range, so it never reaches an internet-facing balancer (its addresses are public); corporate ranges over VPN or Direct Connect reach an internal balancer (scheme: internal)']),
    ("wide", """
        name: shop
        network:
          cidr: 10.20.0.0/16
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from:
              - 203.0.0.0/8
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f"{P}:9:9: load_balancers.public.allow_from[0]: 203.0.0.0/8 is wider than /16, which the build's "
      f"audit refuses (SG004); list narrower ranges, or accept it with audit: {{ignore: [{{rule: SG004, "
      f"reason: ...}}]}}"]),
    ("ipv6-without-dual-stack", """
        name: shop
        network:
          cidr: 10.20.0.0/16
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from:
              - 2001:db8::/48
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f'{P}:9:9: load_balancers.public.allow_from[0]: 2001:db8::/48 is an IPv6 range, which reaches only a dual-stack network (set network.ipv6: true, or list IPv4 ranges)']),
    ("parameter-clash", """
        name: shop
        network:
          cidr: 10.20.0.0/16
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
            allow_from:
              - {parameter: CertificateArn}
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        """,
     [f"{P}:9:9: load_balancers.public.allow_from[0]: parameter CertificateArn already holds the balancer's "
      f"certificate ARN (name the prefix-list parameter differently, e.g. PartnerPrefixList)"]),
    ("public-on-internal", """
        name: shop
        network: {cidr: 10.20.0.0/16}
        load_balancers:
          private:
            scheme: internal
            allow_from: [203.0.113.0/24]
        services:
          admin: {image: "example/admin:1.0", port: 8080, route: {load_balancer: private}}
        """,
     [f'{P}:6:18: load_balancers.private.allow_from[0]: 203.0.113.0/24 is a public range: an internal balancer admits private ranges only (RFC 1918 or fc00::/7, e.g. a corporate network over VPN or Direct Connect; audit rule ELB007); use an internet-facing balancer for partners, or accept it with audit: {{ignore: [{{rule: ELB007, reason: ...}}]}}']),
    ("vpc-overlap-on-internal", """
        name: shop
        network: {cidr: 10.20.0.0/16}
        load_balancers:
          private:
            scheme: internal
            allow_from: [10.20.128.0/20]
        services:
          admin: {image: "example/admin:1.0", port: 8080, route: {load_balancer: private}}
        """,
     [f'{P}:6:18: load_balancers.private.allow_from[0]: 10.20.128.0/20 overlaps the VPC 10.20.0.0/16: every task of the VPC could reach the balancer, bypassing flows (list only ranges outside the VPC; services reach it with flows: [name])']),
    ("overlay-points-into-the-environment", """
        name: shop
        network: {cidr: 10.20.0.0/16}
        load_balancers:
          public:
            scheme: internet-facing
            https: {certificate: {parameter: CertificateArn}}
        services:
          web:
            image: public.ecr.aws/nginx/nginx:1.27
            port: 8080
            route: {load_balancer: public}
        environments:
          dev:
            load_balancers:
              public:
                allow_from: [203.0.113.0/24, 203.0.113.7/32]
          prod: {}
        """,
     [f"{P}:16:38: environments.dev.load_balancers.public.allow_from[1]: 203.0.113.7/32 overlaps item 0 "
      f"(203.0.113.0/24): one range would be admitted twice (keep the wider one, or split them so they do not "
      f"overlap)"]),
]


def _lines(exc: InputError) -> list[str]:
    return [str(e) for e in (exc.errors if isinstance(exc, InputErrors) else [exc])]


@pytest.mark.parametrize("text,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_wrong_sources_are_refused_where_they_are_written(write_blueprint, text, expected):
    path = write_blueprint(text)
    with pytest.raises(InputError) as caught:
        load_blueprint(path)
    assert _lines(caught.value) == expected
