"""NET005: a VPC endpoint service that every AWS account may connect to."""
from generator.audit.resolve import literal
from generator.audit.rules.base import PropertyCheck


class EndpointServiceAnyPrincipal(PropertyCheck):
    id = "NET005"
    severity = "high"
    title = "VPC endpoint service open to every AWS account"
    rationale = ("AllowedPrincipals '*' lets any AWS account create an interface endpoint to the service (AWS "
                 "PrivateLink guide, 'Manage permissions'); with AcceptanceRequired false every such endpoint "
                 "reaches the network load balancer at once, and the service is as exposed as an internet-facing "
                 "one to anyone with an AWS account.")
    fix = ("List the consumers' principals (arn:aws:iam::<account>:root, or a role) instead of '*', and keep "
           "AcceptanceRequired true on the AWS::EC2::VPCEndpointService.")
    resource_types = ("AWS::EC2::VPCEndpointServicePermissions",)

    def judge(self, props, ctx, logical_id):
        principals = props.get("AllowedPrincipals")
        if not isinstance(principals, list):
            return
        for index, principal in enumerate(principals):
            if literal(principal) == "*":
                yield ("Properties", "AllowedPrincipals", index), "allows every AWS account ('*') to connect"
