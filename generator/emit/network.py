"""The network stack's base (bounded whatever the number of services): VPC, subnets in three tiers, routes, NAT, VPC flow log and the ECS cluster.

Public subnets route to the internet gateway and hold only balancers and NAT gateways; private subnets route to a
NAT gateway (per zone, a single one, or none); isolated subnets have no route beyond the VPC at all.
``MapPublicIpOnLaunch`` is false everywhere: nothing gets a public address by accident.
"""
from __future__ import annotations

from troposphere import GetAtt, GetAZs, Join, Ref, Select, Sub, Tags, Template
from troposphere import ec2, ecs, iam, kms, logs, servicediscovery

from generator.emit import existing_network, exports
from generator.plan import Layout


FLOW_LOG_RETENTION_DAYS = 365


def _name(suffix: str) -> Tags:
    return Tags(Name=Sub("${AWS::StackName}-" + suffix))


def add_vpc(template: Template, layout: Layout) -> None:
    """VPC, subnets, internet gateway, route tables and NAT gateways."""
    template.add_resource(ec2.VPC("Vpc", CidrBlock=layout.network.cidr, EnableDnsHostnames=True,
                                  EnableDnsSupport=True, Tags=_name("vpc")))
    for subnet in layout.subnets:
        template.add_resource(ec2.Subnet(
            subnet.logical_id, VpcId=Ref("Vpc"), CidrBlock=subnet.cidr, MapPublicIpOnLaunch=False,
            AvailabilityZone=Select(subnet.zone, GetAZs("")),
            Tags=_name(f"{subnet.tier}-{subnet.zone + 1}")))
    template.add_resource(ec2.InternetGateway("InternetGateway", Tags=_name("igw")))
    template.add_resource(ec2.VPCGatewayAttachment("InternetGatewayAttachment", VpcId=Ref("Vpc"),
                                                   InternetGatewayId=Ref("InternetGateway")))
    template.add_resource(ec2.RouteTable("PublicRouteTable", VpcId=Ref("Vpc"), Tags=_name("public")))
    template.add_resource(ec2.Route("PublicDefaultRoute", RouteTableId=Ref("PublicRouteTable"),
                                    DestinationCidrBlock="0.0.0.0/0", GatewayId=Ref("InternetGateway"),
                                    DependsOn="InternetGatewayAttachment"))
    for subnet in layout.subnets_of("public"):
        template.add_resource(ec2.SubnetRouteTableAssociation(
            f"{subnet.logical_id}RouteTableAssociation", SubnetId=Ref(subnet.logical_id),
            RouteTableId=Ref("PublicRouteTable")))
    _add_nat_and_private_routes(template, layout)
    template.add_resource(ec2.RouteTable("IsolatedRouteTable", VpcId=Ref("Vpc"), Tags=_name("isolated")))
    for subnet in layout.subnets_of("isolated"):
        template.add_resource(ec2.SubnetRouteTableAssociation(
            f"{subnet.logical_id}RouteTableAssociation", SubnetId=Ref(subnet.logical_id),
            RouteTableId=Ref("IsolatedRouteTable")))


def _add_nat_and_private_routes(template: Template, layout: Layout) -> None:
    """One private route table per zone, so switching single <-> per-az NAT only changes routes."""
    nat = layout.network.nat
    public = layout.subnets_of("public")
    nat_zones = {"per-az": range(len(public)), "single": range(1), "none": range(0)}[nat]
    for zone in nat_zones:
        template.add_resource(ec2.EIP(f"NatGateway{zone + 1}Eip", Domain="vpc", Tags=_name(f"nat-{zone + 1}"),
                                      DependsOn="InternetGatewayAttachment"))
        template.add_resource(ec2.NatGateway(f"NatGateway{zone + 1}",
                                             AllocationId=GetAtt(f"NatGateway{zone + 1}Eip", "AllocationId"),
                                             SubnetId=Ref(public[zone].logical_id), Tags=_name(f"nat-{zone + 1}")))
    for subnet in layout.subnets_of("private"):
        table = f"PrivateRouteTable{subnet.zone + 1}"
        template.add_resource(ec2.RouteTable(table, VpcId=Ref("Vpc"), Tags=_name(f"private-{subnet.zone + 1}")))
        template.add_resource(ec2.SubnetRouteTableAssociation(
            f"{subnet.logical_id}RouteTableAssociation", SubnetId=Ref(subnet.logical_id), RouteTableId=Ref(table)))
        if nat != "none":
            gateway = f"NatGateway{(subnet.zone if nat == 'per-az' else 0) + 1}"
            template.add_resource(ec2.Route(f"PrivateDefaultRoute{subnet.zone + 1}", RouteTableId=Ref(table),
                                            DestinationCidrBlock="0.0.0.0/0", NatGatewayId=Ref(gateway)))


def logs_key_policy() -> dict:
    """A key policy for a key CloudWatch Logs may use, only for log groups of this account and region
    (encryption-context condition); the account root keeps administration so IAM policies govern the rest."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministration", "Effect": "Allow",
         "Principal": {"AWS": Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "CloudWatchLogsOfThisAccount", "Effect": "Allow",
         "Principal": {"Service": Sub("logs.${AWS::Region}.amazonaws.com")},
         "Action": ["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
         "Resource": "*",
         "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": Sub(
             "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*")}}},
    ]}


def add_logs_key(template: Template, stack_name: str) -> None:
    """One customer-managed KMS key per environment for every log group (flow logs and service logs).

    CloudWatch Logs may use it only for log groups of this account and region (encryption-context condition); the
    account root keeps administration so IAM policies govern it. Retained with the log groups it protects, which
    stay readable after the stack is deleted.
    """
    template.add_resource(kms.Key(
        "LogsKey", Description=Sub("${AWS::StackName}: CloudWatch Logs encryption"), EnableKeyRotation=True,
        KeyPolicy=logs_key_policy(),
        DeletionPolicy="Retain", UpdateReplacePolicy="Retain"))
    exports.export(template, stack_name, exports.LOGS_KEY_ARN, GetAtt("LogsKey", "Arn"),
                   "KMS key that encrypts the environment's log groups")


def add_flow_log(template: Template) -> None:
    """VPC flow log to its own encrypted log group, delivered by a role that may write only there."""
    template.add_resource(logs.LogGroup("FlowLogGroup", RetentionInDays=FLOW_LOG_RETENTION_DAYS,
                                         KmsKeyId=GetAtt("LogsKey", "Arn"),
                                         DeletionPolicy="Retain", UpdateReplacePolicy="Retain"))
    template.add_resource(iam.Role(
        "FlowLogRole",
        AssumeRolePolicyDocument={"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": Ref("AWS::AccountId")}}}]},
        Policies=[iam.Policy(PolicyName="deliver-flow-logs", PolicyDocument={
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                "Resource": GetAtt("FlowLogGroup", "Arn")}]})]))
    template.add_resource(ec2.FlowLog(
        "VpcFlowLog", ResourceId=Ref("Vpc"), ResourceType="VPC", TrafficType="ALL",
        LogDestinationType="cloud-watch-logs", LogGroupName=Ref("FlowLogGroup"),
        DeliverLogsPermissionArn=GetAtt("FlowLogRole", "Arn"), Tags=_name("flow-log")))


def add_cluster(template: Template) -> None:
    """The environment's ECS cluster, with Container Insights."""
    template.add_resource(ecs.Cluster("Cluster", ClusterSettings=[
        ecs.ClusterSetting(Name="containerInsights", Value="enabled")]))


def add_discovery_namespace(template: Template, layout: Layout, stack_name: str) -> None:
    """The Cloud Map private DNS namespace services register in, when some service is reached directly."""
    if layout.namespace is None:
        return
    template.add_resource(servicediscovery.PrivateDnsNamespace(
        "ServiceDiscoveryNamespace", Name=layout.namespace, Vpc=existing_network.vpc_id(layout),
        Description=f"Names of the {layout.name} {layout.env} services that other services call directly"))
    exports.export(template, stack_name, exports.NAMESPACE_ID, GetAtt("ServiceDiscoveryNamespace", "Id"),
                   "Cloud Map namespace id that directly-called services register in")


def add_exports(template: Template, layout: Layout, stack_name: str) -> None:
    """What every service stack imports: VPC, private subnets, cluster."""
    exports.export(template, stack_name, exports.VPC_ID, existing_network.vpc_id(layout), "VPC id")
    if layout.balancers and (layout.network.managed or layout.network.existing_subnets("public")):
        exports.export(template, stack_name, exports.PUBLIC_SUBNET_IDS,
                       existing_network.subnet_ids_text(layout, "public"),
                       "Public subnet ids, comma-separated, in zone order (internet-facing balancers)")
    exports.export(template, stack_name, exports.PRIVATE_SUBNET_IDS,
                   existing_network.subnet_ids_text(layout, "private"),
                   "Private subnet ids, comma-separated, in zone order")
    if layout.databases:
        exports.export(template, stack_name, exports.ISOLATED_SUBNET_IDS,
                       existing_network.subnet_ids_text(layout, "isolated"),
                       "Isolated subnet ids (no route out of the VPC), comma-separated, in zone order")
    exports.export(template, stack_name, exports.CLUSTER_NAME, Ref("Cluster"), "ECS cluster name")
    exports.export(template, stack_name, exports.CLUSTER_ARN, GetAtt("Cluster", "Arn"), "ECS cluster ARN")


