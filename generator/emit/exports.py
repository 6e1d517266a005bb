"""The one helper for cross-stack values: Outputs exported as ``<stack-name>-<Name>`` and their imports.

Both sides build names through :func:`export_name`, so a producer and a consumer can never disagree on spelling.
"""
from __future__ import annotations

from troposphere import Export, ImportValue, Output, Template

from generator.plan.names import pascal

VPC_ID = "VpcId"
PRIVATE_SUBNET_IDS = "PrivateSubnetIds"
ISOLATED_SUBNET_IDS = "IsolatedSubnetIds"
PUBLIC_SUBNET_IDS = "PublicSubnetIds"
ACCESS_LOG_BUCKET = "AccessLogBucketName"
CLUSTER_NAME = "ClusterName"
CLUSTER_ARN = "ClusterArn"
LOGS_KEY_ARN = "LogsKeyArn"
NAMESPACE_ID = "ServiceDiscoveryNamespaceId"


def group_id(group_logical_id: str) -> str:
    """Export of a security group's id (services attach their task group)."""
    return f"{group_logical_id}Id"


def listener_arn(balancer: str) -> str:
    """Export of the listener services attach their rules to (HTTPS when set, else HTTP)."""
    return f"{pascal(balancer)}ListenerArn"


def balancer_dns_name(balancer: str) -> str:
    """Export of a balancer's DNS name (callers of a service behind an internal balancer receive it)."""
    return f"{pascal(balancer)}LoadBalancerDnsName"


def target_group_arn(service: str) -> str:
    """Export of the target group a network balancer's listener forwards to (its service attaches its tasks)."""
    return f"{pascal(service)}TargetGroupArn"


def endpoint_service_name(balancer: str) -> str:
    """Export of the VPC endpoint service name consumers create their interface endpoints to."""
    return f"{pascal(balancer)}EndpointServiceName"


def endpoint_service_id(balancer: str) -> str:
    """Export of the VPC endpoint service id (the provider accepts connection requests by it)."""
    return f"{pascal(balancer)}EndpointServiceId"


def database_address(database: str) -> str:
    """Export of a database's host name (the instance endpoint, or the Aurora cluster's writer endpoint)."""
    return f"{pascal(database)}DatabaseAddress"


def database_port(database: str) -> str:
    """Export of a database's port."""
    return f"{pascal(database)}DatabasePort"


def database_secret_arn(database: str) -> str:
    """Export of the ARN of the Secrets Manager secret RDS manages for a database's master user."""
    return f"{pascal(database)}DatabaseSecretArn"


def export_name(stack_name: str, name: str) -> str:
    """``shop-dev-network-VpcId``."""
    return f"{stack_name}-{name}"


def export(template: Template, stack_name: str, name: str, value, description: str) -> None:
    """Add an Output named ``name`` exported as ``<stack_name>-<name>``."""
    template.add_output(Output(name, Description=description, Value=value,
                               Export=Export(export_name(stack_name, name))))


def import_value(stack_name: str, name: str) -> ImportValue:
    """``Fn::ImportValue`` of another stack's export."""
    return ImportValue(export_name(stack_name, name))
