"""NET002: a subnet that gives every instance a public IP."""
from generator.audit.resolve import literal_bool
from generator.audit.rules.base import PropertyCheck


class SubnetPublicIpOnLaunch(PropertyCheck):
    id = "NET002"
    severity = "low"
    title = "Subnet with MapPublicIpOnLaunch true"
    rationale = ("Every interface launched in the subnet gets a public address by default, so a task or instance "
                 "placed there by mistake is on the internet; only load balancers and NAT gateways need public "
                 "subnets, and they get their addresses explicitly.")
    fix = "Remove MapPublicIpOnLaunch (or set it false); give public addresses explicitly where truly needed."
    resource_types = ("AWS::EC2::Subnet",)

    def judge(self, props, ctx, logical_id):
        if literal_bool(props.get("MapPublicIpOnLaunch")) is True:
            yield ("Properties", "MapPublicIpOnLaunch"), "subnet assigns a public IP to everything launched in it"
