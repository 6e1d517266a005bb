"""network.ipv6 and IPv6 egress: every wrong use gives one positioned line (file:line:col, key path, what would be
valid), and the uses that combine are accepted. BASE (shop_blueprint.py) is 12 lines; DUAL is BASE with ``ipv6: true``
on line 4, so lines appended to it start at 14."""
from __future__ import annotations

import pytest

from generator.errors import InputError, InputErrors
from generator.model import load_blueprint

from shop_blueprint import BASE  # 12 lines

P = "blueprints/shop.yaml"
DUAL = BASE.replace("  cidr: 10.20.0.0/16\n", "  cidr: 10.20.0.0/16\n  ipv6: true\n")
IPV6_OFF = BASE


def _egress(base: str, *rules: str) -> str:
    return base + "    egress:\n" + "".join(f"      - {rule}\n" for rule in rules)


CASES = [
    ("ipv6-a-string", BASE.replace("  cidr: 10.20.0.0/16\n", "  cidr: 10.20.0.0/16\n  ipv6: \"yes\"\n"),
     [f"{P}:4:9: network.ipv6: expected true or false, got 'yes'"]),
    ("ipv6-a-number", BASE.replace("  cidr: 10.20.0.0/16\n", "  cidr: 10.20.0.0/16\n  ipv6: 1\n"),
     [f"{P}:4:9: network.ipv6: expected true or false, got 1"]),
    ("ipv6-egress-without-ipv6",
     _egress(IPV6_OFF, '{cidr: "2001:db8::/32", port: 443, reason: partner API}'),
     [f"{P}:14:16: services.web.egress[0].cidr: 2001:db8::/32 is an IPv6 range but network.ipv6 is off, so no "
      "task has an IPv6 address to use it (set network.ipv6: true, or write an IPv4 CIDR)"]),
    ("ipv6-egress-link-local",
     _egress(DUAL, '{cidr: "fe80::/64", port: 443, reason: partner API}'),
     [f"{P}:15:16: services.web.egress[0].cidr: fe80::/64 is link-local, loopback or multicast and never leaves "
      "the VPC (give an IPv6 range on the internet, e.g. 2001:db8::/32 or ::/0)"]),
    ("ipv6-egress-host-bits",
     _egress(DUAL, '{cidr: "2001:db8::1/32", port: 443, reason: partner API}'),
     [f"{P}:15:16: services.web.egress[0].cidr: '2001:db8::1/32' has host bits set (did you mean 2001:db8::/32?)"]),
    ("ipv6-egress-no-prefix",
     _egress(DUAL, '{cidr: "2001:db8::1", port: 443, reason: partner API}'),
     [f"{P}:15:16: services.web.egress[0].cidr: '2001:db8::1' has no prefix length (write a CIDR, e.g. "
      "2001:db8::1/128 for one address)"]),
    ("ipv6-egress-not-an-address",
     _egress(DUAL, '{cidr: "2001:zz::/32", port: 443, reason: partner API}'),
     [f"{P}:15:16: services.web.egress[0].cidr: '2001:zz::/32' is not an IPv4 or IPv6 CIDR (e.g. 203.0.113.0/24 "
      "or 2001:db8::/32)"]),
    ("ipv6-egress-twice",
     _egress(DUAL, '{cidr: "::/0", port: 443, reason: a}', '{cidr: "::/0", port: 443, reason: b}'),
     [f"{P}:16:9: services.web.egress[1]: duplicates an earlier rule (tcp 443 to ::/0)"]),
    ("ipv6-egress-with-nat-none",  # no NAT, so no egress-only gateway: the rule could never be used
     _egress(DUAL.replace("  ipv6: true\n", "  ipv6: true\n  nat: none\n  endpoints: [ecr.api, ecr.dkr, logs, s3]\n")
             .replace("public.ecr.aws/nginx/nginx:1.27", "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.0"),
             '{cidr: "2001:db8::/32", port: 443, reason: partner API}'),
     [f"{P}:17:9: services.web.egress[0]: with nat: none the private subnets have no route out of the VPC, so "
      "this egress could never be used (remove it or use nat: single)"]),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_wrong_ipv6_use(write_blueprint, text, expected):
    path = write_blueprint(text)
    with pytest.raises(InputError) as caught:
        load_blueprint(path)
    errors = caught.value.errors if isinstance(caught.value, InputErrors) else [caught.value]
    assert [str(e) for e in errors] == expected


def test_ipv6_egress_and_its_ipv4_twin_combine(write_blueprint):
    """An explicit ::/0 next to 0.0.0.0/0 on the same port is one rule per family (the reasons merge)."""
    path = write_blueprint(_egress(DUAL, '{cidr: "::/0", port: 443, reason: webhooks over IPv6}',
                                   '{cidr: 0.0.0.0/0, port: 443, reason: webhooks}',
                                   '{cidr: "2001:db8:4000::/48", port: 8443, reason: partner API}'))
    bp = load_blueprint(path)["default"]
    assert bp.network.ipv6 is True
    assert [str(rule.cidr) for rule in bp.services["web"].egress] == ["::/0", "0.0.0.0/0", "2001:db8:4000::/48"]


def test_ipv6_is_off_by_default(write_blueprint):
    assert load_blueprint(write_blueprint(BASE))["default"].network.ipv6 is False
