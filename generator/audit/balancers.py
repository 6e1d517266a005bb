"""Load-balancer facts shared by the ELB rules: attributes, scheme, type, listener → load balancer."""
from __future__ import annotations

from generator.audit.resolve import UNKNOWN, Template, literal, literal_bool

V2 = "AWS::ElasticLoadBalancingV2::LoadBalancer"


def attribute(props: dict, key: str):
    """The boolean value of ``LoadBalancerAttributes[Key=key]``: None when absent, UNKNOWN when not knowable."""
    value = attribute_text(props, key)
    return value if value is None or value is UNKNOWN else literal_bool(value)


def flag_not_true(props: dict, key: str):
    """Where a boolean attribute that must be ``true`` is missing or false: the key path of the attribute list (or
    the resource when it has none); None when it is true or not knowable."""
    value = attribute(props, key)
    if value is UNKNOWN or value is True:
        return None
    return ("Properties", "LoadBalancerAttributes") if "LoadBalancerAttributes" in props else ()


def attribute_text(props: dict, key: str):
    """The raw value of ``LoadBalancerAttributes[Key=key]`` (a scalar): None when absent, UNKNOWN when not
    knowable (an intrinsic function anywhere on the way)."""
    attributes = props.get("LoadBalancerAttributes")
    if attributes is None:
        return None
    if not isinstance(attributes, list):
        return UNKNOWN
    for item in attributes:
        if not isinstance(item, dict):
            return UNKNOWN
        name = literal(item.get("Key"))
        if name is UNKNOWN:
            return UNKNOWN
        if name == key:
            return literal(item.get("Value"))
    return None


def lb_type(props: dict):
    """``application`` (the default), ``network``, ``gateway``, or UNKNOWN."""
    value = literal(props.get("Type", "application"))
    return value.lower() if isinstance(value, str) else UNKNOWN


def internet_facing(props: dict):
    """True for internet-facing (the default scheme), False for internal, UNKNOWN for a function."""
    value = literal(props.get("Scheme", "internet-facing"))
    return value == "internet-facing" if isinstance(value, str) else UNKNOWN


def internet_facing_by_default(template: Template, props: dict) -> tuple:
    """``(True/False/UNKNOWN, parameters assumed)``: the scheme as written, or, when it is a ``!Ref``/``!If``,
    as deployed with every parameter at its default (``assumed`` then names the parameters)."""
    certain = internet_facing(props)
    if certain is not UNKNOWN:
        return certain, ()
    value, assumed = template.defaults.value(props.get("Scheme"))
    return (value == "internet-facing", assumed) if isinstance(value, str) else (UNKNOWN, ())


def listener_balancer(template: Template, listener: dict):
    """The properties of the v2 load balancer a listener belongs to, or UNKNOWN."""
    ref = template.reference(listener.get("LoadBalancerArn"))
    if ref is UNKNOWN or ref.attribute not in (None, "LoadBalancerArn") or template.type_of(ref.logical_id) != V2:
        return UNKNOWN
    return template.properties(ref.logical_id)


def listener_protocols(template: Template, balancer_id: str) -> list:
    """The ``Protocol`` of every v2 listener of the template that certainly belongs to ``balancer_id`` (UNKNOWN
    for a protocol that is a function)."""
    out = []
    for _listener_id, listener in template.of_type("AWS::ElasticLoadBalancingV2::Listener"):
        ref = template.reference(listener.get("LoadBalancerArn"))
        if ref is not UNKNOWN and ref.logical_id == balancer_id:
            protocol = literal(listener.get("Protocol"))
            out.append(protocol.upper() if isinstance(protocol, str) else UNKNOWN)
    return out
