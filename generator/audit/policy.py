"""Thresholds the rules judge against, with the defaults of the issue and a ``--policy FILE`` override.

A security team encodes its Firewall Manager-style policy once (which ports are high risk, which may face the
internet, how wide a port range or CIDR may be) and every run applies it. The file is validated strictly: an unknown
key or a bad value is an input error pointing at its line, because a silently ignored typo would weaken the audit.
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.load import Document, load_file

DEFAULT_HIGH_RISK_PORTS = (20, 21, 22, 23, 25, 110, 135, 137, 138, 139, 143, 445, 1433, 1434, 2049, 3000, 3306, 3389,
                           4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300)
DEFAULT_AUTHORIZED_PUBLIC_PORTS = (80, 443)


@dataclass(frozen=True)
class Policy:
    """The audit's thresholds. Port sets are frozensets so a Policy is hashable and cannot drift while auditing."""

    high_risk_ports: frozenset = frozenset(DEFAULT_HIGH_RISK_PORTS)
    authorized_public_ports: frozenset = frozenset(DEFAULT_AUTHORIZED_PUBLIC_PORTS)
    max_port_range: int = 10
    min_ipv4_prefix: int = 16
    min_ipv6_prefix: int = 48

    @classmethod
    def default(cls) -> "Policy":
        """The thresholds of the issue (the ones the README documents)."""
        return cls()


_INT_KEYS = {"max_port_range": (1, 65536), "min_ipv4_prefix": (0, 32), "min_ipv6_prefix": (0, 128)}
_PORT_KEYS = ("high_risk_ports", "authorized_public_ports")
_ALL_KEYS = sorted(_PORT_KEYS + tuple(_INT_KEYS))


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _port(doc: Document, keypath: tuple, value) -> int:
    if not _is_int(value) or not 0 <= value <= 65535:
        raise doc.error(keypath, f"'{value}' is not a port (an integer 0-65535)")
    return value


def _ports(doc: Document, keypath: tuple, value) -> frozenset:
    """A list of ports and ``"137-139"`` ranges, expanded to a set."""
    if not isinstance(value, list):
        raise doc.error(keypath, "expected a list of ports, e.g. [22, 3389, \"137-139\"]")
    ports: set[int] = set()
    for index, item in enumerate(value):
        where = keypath + (index,)
        if isinstance(item, str) and "-" in item:
            low, _, high = item.partition("-")
            if not (low.strip().isdigit() and high.strip().isdigit()):
                raise doc.error(where, f"'{item}' is not a port range (write it as \"137-139\")")
            first, last = _port(doc, where, int(low)), _port(doc, where, int(high))
            if first > last:
                raise doc.error(where, f"'{item}' runs backwards (write the lower port first)")
            ports.update(range(first, last + 1))
        else:
            ports.add(_port(doc, where, item))
    return frozenset(ports)


def policy_from_document(doc: Document) -> Policy:
    """Validate a loaded policy document and merge it over the defaults."""
    data = doc.data
    if data is None:
        return Policy.default()
    if not isinstance(data, dict):
        raise doc.error((), f"a policy is a mapping of thresholds (keys: {', '.join(_ALL_KEYS)})")
    values: dict = {}
    for key in sorted(data, key=lambda k: doc.position((k,), key=True).line):
        value = data[key]
        if key in _PORT_KEYS:
            values[key] = _ports(doc, (key,), value)
        elif key in _INT_KEYS:
            low, high = _INT_KEYS[key]
            if not _is_int(value) or not low <= value <= high:
                raise doc.error((key,), f"'{value}' is not valid (an integer {low}-{high})")
            values[key] = value
        else:
            raise doc.error((key,), f"unknown policy key '{key}' (valid: {', '.join(_ALL_KEYS)})", key=True)
    return Policy(**values)


def load_policy(path: str) -> Policy:
    """Read a ``--policy`` YAML file; any problem is an :class:`InputError` with its position."""
    return policy_from_document(load_file(path))
