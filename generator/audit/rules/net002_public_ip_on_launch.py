"""NET002: a subnet that gives every interface launched in it a public address (IPv4, or IPv6 behind an internet
gateway)."""
from generator.audit.resolve import UNKNOWN, literal, literal_bool
from generator.audit.rules.base import PropertyCheck


class SubnetPublicIpOnLaunch(PropertyCheck):
    id = "NET002"
    severity = "low"
    title = "Subnet with MapPublicIpOnLaunch true (or public IPv6 addresses on creation)"
    rationale = ("Every interface launched in the subnet gets a public address by default, so a task or instance "
                 "placed there by mistake is on the internet; only load balancers and NAT gateways need public "
                 "subnets, and they get their addresses explicitly. An IPv6 address is public wherever the subnet "
                 "routes ::/0 to an internet gateway, so AssignIpv6AddressOnCreation there is the same exposure "
                 "(behind an egress-only internet gateway it is not: nothing can connect in).")
    fix = ("Remove MapPublicIpOnLaunch (or set it false), and AssignIpv6AddressOnCreation on subnets whose ::/0 "
           "goes to an internet gateway; give public addresses explicitly where truly needed.")
    resource_types = ("AWS::EC2::Subnet",)

    def judge(self, props, ctx, logical_id):
        if literal_bool(props.get("MapPublicIpOnLaunch")) is True:
            yield ("Properties", "MapPublicIpOnLaunch"), "subnet assigns a public IP to everything launched in it"
        if literal_bool(props.get("AssignIpv6AddressOnCreation")) is True:
            gateway = _ipv6_internet_gateway(ctx.template, logical_id)
            if gateway:
                yield (("Properties", "AssignIpv6AddressOnCreation"),
                       f"subnet assigns an IPv6 address to everything launched in it and routes ::/0 to internet "
                       f"gateway {gateway}, so those addresses are public")


def _ipv6_internet_gateway(template, subnet: str) -> str | None:
    """The internet gateway the subnet's route table certainly sends ``::/0`` to, within this template (None when
    the route goes elsewhere, e.g. an egress-only internet gateway, or cannot be known)."""
    tables = set()
    for _, props in template.of_type("AWS::EC2::SubnetRouteTableAssociation"):
        ref, table = template.reference(props.get("SubnetId")), template.reference(props.get("RouteTableId"))
        if ref is not UNKNOWN and table is not UNKNOWN and ref.logical_id == subnet:
            tables.add(table.logical_id)
    for _, props in template.of_type("AWS::EC2::Route"):
        table = template.reference(props.get("RouteTableId"))
        if table is UNKNOWN or table.logical_id not in tables or literal(props.get("DestinationIpv6CidrBlock")) != "::/0":
            continue
        gateway = template.reference(props.get("GatewayId"))
        if gateway is not UNKNOWN and template.type_of(gateway.logical_id) == "AWS::EC2::InternetGateway":
            return gateway.logical_id
        value = literal(props.get("GatewayId"))
        if isinstance(value, str) and value.startswith("igw-"):
            return value
    return None
