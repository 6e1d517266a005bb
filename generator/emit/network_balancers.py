"""Network load balancers in their ``lb-<balancer>`` stack: the balancer, one target group and one listener per
routed service, and the VPC endpoint service that publishes it through PrivateLink.

Unlike an application balancer (one listener, a listener rule per service in the service's stack), a network
balancer forwards each listener port to one target group, so listener and target group live here, beside the
balancer (the audit then judges listener and balancer in one template), and the service's stack attaches its tasks
to the exported target group. Secure defaults as on an application balancer: its own security group (the flows'
rules only, PrivateLink traffic judged by it too), deletion protection, access logs (AWS writes them for TLS
listeners only), cross-zone load balancing, TLS 1.2+ policies on TLS listeners. AWS WAF does not attach to network
balancers, so there is no web ACL.
"""
from __future__ import annotations

from troposphere import GetAtt, Ref, Split, Sub, Template
from troposphere import ec2
from troposphere import elasticloadbalancingv2 as elb

from generator.emit import exports
from generator.emit.scanner_metadata import relax
from generator.plan import BalancerPlan, Layout
from generator.plan.names import balancer_group, pascal

#: Seconds a deregistered task keeps its open connections (as on the application balancers' target groups).
DEREGISTRATION_DELAY_SECONDS = 30
HEALTHY_HTTP_CODES = "200-399"


def log_delivery_statements() -> list[dict]:
    """Bucket-policy statements letting the log delivery service write network balancers' access logs (AWS
    writes them through delivery.logs.amazonaws.com, not the regional ELB account), for this account only."""
    own_account = {"aws:SourceAccount": Ref("AWS::AccountId")}
    source = {"ArnLike": {"aws:SourceArn": Sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*")}}
    return [
        {"Sid": "AllowNlbLogDeliveryWrite", "Effect": "Allow", "Principal": {"Service": "delivery.logs.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": Sub("${AccessLogBucket.Arn}/*/AWSLogs/${AWS::AccountId}/*"),
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", **own_account}, **source}},
        {"Sid": "AllowNlbLogDeliveryAclCheck", "Effect": "Allow",
         "Principal": {"Service": "delivery.logs.amazonaws.com"}, "Action": "s3:GetBucketAcl",
         "Resource": GetAtt("AccessLogBucket", "Arn"), "Condition": {"StringEquals": own_account, **source}},
    ]


def add_network_balancer(template: Template, layout: Layout, stack_name: str, balancer: BalancerPlan,
                         network: str) -> None:
    """The balancer, its listeners and target groups, its endpoint service, and their exports."""
    name, prefix = balancer.name, balancer.prefix
    lb_id = f"{prefix}LoadBalancer"
    resource = template.add_resource(elb.LoadBalancer(
        lb_id, Type="network", Scheme=balancer.scheme, IpAddressType=balancer.ip_address_type,
        Subnets=Split(",", exports.import_value(network, exports.PUBLIC_SUBNET_IDS if balancer.tier == "public"
                                                else exports.PRIVATE_SUBNET_IDS)),
        SecurityGroups=[GetAtt(balancer_group(name), "GroupId")],
        EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic="on",
        LoadBalancerAttributes=[elb.LoadBalancerAttributes(Key=k, Value=v) for k, v in (
            ("access_logs.s3.enabled", "true"),
            ("access_logs.s3.bucket", exports.import_value(network, exports.ACCESS_LOG_BUCKET)),
            ("access_logs.s3.prefix", name),
            ("deletion_protection.enabled", "true" if balancer.deletion_protection else "false"),
            ("load_balancing.cross_zone.enabled", "true"),
        )]))
    relax(resource, "load_balancer", balancer.relax, "deletion_protection")
    vpc = exports.import_value(network, exports.VPC_ID)
    for listener in balancer.listeners:
        _add_listener(template, stack_name, balancer, lb_id, listener, vpc)
    exports.export(template, stack_name, exports.balancer_dns_name(name), GetAtt(lb_id, "DNSName"),
                   f"DNS name of the {name} load balancer")
    if balancer.privatelink is not None:
        _add_endpoint_service(template, stack_name, balancer, lb_id)


def _add_listener(template: Template, stack_name: str, balancer: BalancerPlan, lb_id: str, listener, vpc) -> None:
    service = pascal(listener.service)
    health = dict(HealthCheckProtocol="TCP")
    if listener.health_check is not None:
        health = dict(HealthCheckProtocol="HTTP", HealthCheckPath=listener.health_check,
                      Matcher=elb.Matcher(HttpCode=HEALTHY_HTTP_CODES))
    template.add_resource(elb.TargetGroup(
        f"{service}TargetGroup", TargetType="ip", Protocol="TCP", Port=listener.container_port, VpcId=vpc,
        TargetGroupAttributes=[elb.TargetGroupAttribute(Key="deregistration_delay.timeout_seconds",
                                                        Value=str(DEREGISTRATION_DELAY_SECONDS))], **health))
    props = dict(LoadBalancerArn=Ref(lb_id), Port=listener.port, Protocol="TLS" if balancer.tls else "TCP",
                 DefaultActions=[elb.Action(Type="forward", TargetGroupArn=Ref(f"{service}TargetGroup"))])
    if balancer.tls:
        arn = Ref(balancer.certificate_parameter) if balancer.certificate_parameter else balancer.certificate_arn
        props.update(SslPolicy=balancer.ssl_policy, Certificates=[elb.Certificate(CertificateArn=arn)])
    resource = template.add_resource(elb.Listener(f"{service}Listener", **props))
    if not balancer.tls:
        relax(resource, "load_balancer", balancer.relax, "tls")
    exports.export(template, stack_name, exports.target_group_arn(listener.service), Ref(f"{service}TargetGroup"),
                   f"Target group of {listener.service} behind the {balancer.name} load balancer")


def _add_endpoint_service(template: Template, stack_name: str, balancer: BalancerPlan, lb_id: str) -> None:
    """The endpoint service and who may connect to it; its name is what consumers create endpoints to."""
    link = balancer.privatelink
    service_id = f"{balancer.prefix}EndpointService"
    service = template.add_resource(ec2.VPCEndpointService(
        service_id, NetworkLoadBalancerArns=[Ref(lb_id)], AcceptanceRequired=link.acceptance_required))
    relax(service, "load_balancer", balancer.relax, "privatelink_acceptance")
    permissions = template.add_resource(ec2.VPCEndpointServicePermissions(
        f"{balancer.prefix}EndpointServicePermissions", ServiceId=Ref(service_id),
        AllowedPrincipals=list(link.allowed_principals)))
    relax(permissions, "load_balancer", balancer.relax, "privatelink_any_principal")
    exports.export(template, stack_name, exports.endpoint_service_name(balancer.name),
                   Sub(f"com.amazonaws.vpce.${{AWS::Region}}.${{{service_id}}}"),
                   f"Service name PrivateLink consumers create their interface endpoints to ({balancer.name})")
    exports.export(template, stack_name, exports.endpoint_service_id(balancer.name), Ref(service_id),
                   f"Id of the {balancer.name} endpoint service (aws ec2 accept-vpc-endpoint-connections "
                   "--service-id)")
