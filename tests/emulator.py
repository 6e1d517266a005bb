"""The AWS emulator of the deploy tests: moto, with every gap it has for our templates and commands patched
faithfully to AWS's documented behaviour (or tolerated, with the reason) — all listed in MOTO_GAPS, the one list.

Used two ways: in-process through ``mock_aws`` (tests/test_deploy.py) and as a real HTTP server on 127.0.0.1 inside
the test process (:func:`moto_server`, for ``stackprint deploy`` and the ``aws`` CLI). The patches change moto's
classes, so they apply to both. No template is ever weakened for the emulator.
"""
from __future__ import annotations

import functools
import json
import logging
import os
import socket
import sys
from contextlib import contextmanager
from dataclasses import dataclass

import moto

REGION = "us-east-1"
ACCOUNT = "123456789012"

# ---------------------------------------------------------------------------------------------------------------
# moto gaps, all in one place (moto 5.2.5). Each is either patched below (faithfully to AWS's documented behaviour)
# or tolerated because moto skips the resource with a warning while the stack still completes. No template is
# weakened for the emulator.
MOTO_VERSION = "5.2.5"
MOTO_GAPS = {
    "AWS::EC2::SecurityGroup inline SecurityGroupEgress":
        "ignored: the group keeps the default allow-all egress (AWS replaces it). PATCHED below.",
    "AWS::EC2::SecurityGroup rule Description":
        "inline ingress descriptions and standalone SourceSecurityGroupId descriptions are dropped. PATCHED below.",
    "AWS::EC2::SecurityGroup inline SourcePrefixListId":
        "ignored (the rule is created without a source); the prefix list's rule Description is not kept either. "
        "PATCHED below (the description cannot be read back: checked in the template instead).",
    "AWS::ElasticLoadBalancingV2::LoadBalancer LoadBalancerAttributes":
        "ignored on create (the balancer keeps moto's defaults). PATCHED below: applied through the ELBv2 API, "
        "which also refuses unknown attribute keys.",
    "AWS::EC2::SecurityGroupEgress":
        "resource type not supported by moto's CloudFormation (skipped). PATCHED below.",
    "AWS::S3::BucketPolicy": "not supported (skipped with a warning); the bucket itself is created.",
    "AWS::ApplicationAutoScaling::ScalableTarget": "not supported (skipped with a warning).",
    "AWS::ApplicationAutoScaling::ScalingPolicy": "not supported (skipped with a warning).",
    "AWS::ServiceDiscovery::PrivateDnsNamespace": "not supported by moto's CloudFormation (and GetAtt on it "
                                                  "crashes the stack). PATCHED below over moto's Cloud Map API.",
    "AWS::ServiceDiscovery::Service": "not supported by moto's CloudFormation. PATCHED below over moto's Cloud "
                                      "Map API.",
    "AWS::RDS::DBInstance": "moto's CloudFormation model crashes on DBParameterGroupName: !Ref (it receives the group "
                            "object, not its name), drops VPCSecurityGroups (reads a 'VpcSecurityGroupIds' key), "
                            "ManageMasterUserPassword, EnableIAMDatabaseAuthentication, DeletionProtection, "
                            "MonitoringInterval/MonitoringRoleArn and EnableCloudwatchLogsExports, and has no "
                            "MasterUserSecret.SecretArn attribute. PATCHED below over moto's RDS API, which supports "
                            "them all (the managed secret is created in moto's Secrets Manager).",
    "YAML !GetAtt Resource.Attribute.Part": "moto splits the short form on every dot (CloudFormation splits on the "
                                            "first), so !GetAtt Db.Endpoint.Address asks for attribute 'Endpoint'. "
                                            "PATCHED below: moto's YAML tag constructor splits once.",
    "AWS::RDS::DBCluster": "not supported by moto's CloudFormation (nor AWS::RDS::DBClusterParameterGroup). No "
                           "example blueprint uses Aurora, so no patch; Aurora output is checked by cfn-lint, "
                           "checkov and the audit only (tests/test_databases.py).",
    "Custom::VpcDefaultSecurityGroupRestriction":
        "Lambda-backed custom resources run the function in Docker and wait for its HTTP answer, neither of which "
        "works offline. PATCHED below: the fixture runs the function's own code in-process against moto (boto3 "
        "inside mock_aws, a stand-in cfnresponse module) and completes the resource with its answer.",
    "AWS::WAFv2::WebACL": "not supported by moto's CloudFormation. PATCHED below over moto's WAFv2 API "
                          "(create_web_acl with the template's rules, default action and visibility; name from the "
                          "logical id when the template sets none, as CloudFormation generates one).",
    "AWS::WAFv2::WebACLAssociation": "not supported by moto's CloudFormation. PATCHED below over moto's WAFv2 "
                                     "associate_web_acl (get_web_acl_for_resource then answers for the balancer).",
    "AWS::WAFv2::LoggingConfiguration": "not supported by moto's CloudFormation. PATCHED below over moto's WAFv2 "
                                        "put_logging_configuration.",
    "AWS::Backup::BackupVault": "not supported by moto's CloudFormation. PATCHED below over moto's Backup API "
                                "(create_backup_vault with its name and EncryptionKeyArn).",
    "AWS::Backup::BackupPlan": "not supported by moto's CloudFormation. PATCHED below over moto's Backup API "
                               "(create_backup_plan with the template's plan document).",
    "AWS::Backup::BackupSelection": "not supported by moto's CloudFormation, and moto's Backup API has no "
                                    "selections at all. PATCHED below: the selection document is kept on moto's "
                                    "plan object (``stackprint_selections``), where the in-process tests read it; "
                                    "its plan id must name a plan moto created.",
    "AWS::ElasticLoadBalancingV2::LoadBalancer Type":
        "ignored by moto's CloudFormation model: every balancer becomes an application balancer, so a TLS or TCP "
        "listener is refused ('must be one of HTTP, HTTPS'). PATCHED below: Type and IpAddressType are passed to "
        "moto's ELBv2 create_load_balancer, which supports network balancers (with their SecurityGroups).",
    "AWS::ElasticLoadBalancingV2::LoadBalancer EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic":
        "not modelled by moto at all (neither CloudFormation nor the ELBv2 API keeps it), so it cannot be read "
        "back; tolerated: the test checks it in the golden template instead.",
    "AWS::EC2::VPCEndpointService": "not supported by moto's CloudFormation. PATCHED below over moto's EC2 API "
                                    "(create_vpc_endpoint_service_configuration with the balancers and "
                                    "AcceptanceRequired; Ref is the service id, as in AWS).",
    "AWS::EC2::VPCEndpointServicePermissions": "not supported by moto's CloudFormation. PATCHED below over moto's "
                                               "EC2 modify_vpc_endpoint_service_permissions (AddAllowedPrincipals).",
    "AWS::EC2::VPC default security group":
        "created without AWS's self-referencing all-traffic ingress rule (only the allow-all egress); the "
        "restriction tolerates the missing rule, as the real function does.",
    "AWS::ECS::Service": "ServiceRegistries are ignored (the Cloud Map registration is read back instead); "
                         "NetworkConfiguration (subnets, AssignPublicIp, security groups), LaunchType and "
                         "CapacityProviderStrategy are ignored on create (moto's API has no capacity provider "
                         "strategy on services at all). PATCHED below for create: the network configuration and "
                         "launch type go to moto's CreateService (which checks that the subnets and groups exist), "
                         "the strategy is kept on the service and DescribeServices returns it. EnableExecuteCommand "
                         "and LoadBalancers stay ignored (checked in the golden templates); updates are not patched.",
    "AWS::ECS::Cluster": "CapacityProviders, DefaultCapacityProviderStrategy and ClusterSettings are ignored on "
                         "create. PATCHED below: passed to moto's CreateCluster, so DescribeClusters returns them.",
    "AWS::SSM::Parameter::Value<AWS::EC2::SecurityGroup::Id> parameters":
        "moto resolves them from its SSM store like CloudFormation, but does not check that the value is a "
        "security group (nor does it check AWS::EC2::SecurityGroup::Id parameters). Tolerated: the deploy test "
        "creates real groups for them, and CreateService (patched above) refuses an id that is not a group.",
    "ECS CreateService security groups and subnets in different VPCs":
        "accepted (AWS refuses a group outside the subnets' VPC). Tolerated, and relied on only by the tests that "
        "deploy a whole environment with one `stackprint deploy` (tests/test_deploy_command.py, "
        "tests/test_drift_command.py): the attached group must exist before the run that creates the VPC, so they "
        "make it in the default VPC; tests/test_deploy.py creates it in the environment's own VPC.",
    "CloudFormation ExecuteChangeSet (CREATE)":
        "runs the template against the empty REVIEW_IN_PROGRESS stack: no Outputs, no Exports (so a later stack's "
        "Fn::ImportValue fails) and the wrong parameters; a resource that fails raises a server error instead of "
        "rolling back. PATCHED below: the stack is created from the change set as CreateStack would (outputs, "
        "exports, parameters, tags), and a failure leaves the stack ROLLBACK_COMPLETE with the resource's "
        "CREATE_FAILED event and reason, the change set EXECUTE_FAILED.",
    "CloudFormation ExecuteChangeSet (UPDATE)":
        "applies the resources but keeps the old Outputs/Exports and parameters, and does not apply the change set's "
        "tags. PATCHED below through moto's own UpdateStack path; a failure leaves UPDATE_ROLLBACK_COMPLETE with the "
        "stack's UPDATE_FAILED event and reason (moto cannot undo the resources it already changed).",
    "CloudFormation CreateChangeSet with no changes":
        "raises ValidationError 'No updates are to be performed.' (that is UpdateStack's answer); AWS creates the "
        "change set and fails it with StatusReason \"The submitted information didn't contain changes.\". PATCHED "
        "below: the check is skipped, so moto's own FAILED change set with that reason is returned.",
    "CloudFormation DeleteStack of a network stack":
        "AWS::EC2::RouteTable, AWS::EC2::InternetGateway (with its attachment) and AWS::EC2::NatGateway have no "
        "delete in moto's CloudFormation, so the VPC's delete fails with DependencyViolation and DeleteStack itself "
        "errors. PATCHED below: each is deleted through moto's EC2 API (associations and attachment first, as "
        "CloudFormation orders it).",
    "CloudFormation CreateChangeSet (CREATE) on a REVIEW_IN_PROGRESS stack":
        "creates a second stack of the same name (AWS creates the change set on the stack awaiting review). "
        "PATCHED below: the stack awaiting review is replaced by the new one, its events kept (its id is not).",
    "CloudFormation Capabilities":
        "neither required nor recorded (AWS refuses a template with IAM resources without CAPABILITY_IAM); "
        "tolerated: the commands' capabilities are checked in the README and the code instead.",
    "ELBv2 DeleteLoadBalancer with deletion protection":
        "deletes the balancer anyway (AWS refuses with OperationNotPermitted while deletion_protection.enabled is "
        "true). PATCHED below: refused, as AWS does.",
    "CloudFormation DeleteStack failure":
        "a resource that cannot be deleted makes the DeleteStack call itself fail (and drops the stack from moto's "
        "list); AWS answers the call, then leaves the stack DELETE_FAILED with a DELETE_FAILED event per resource "
        "and its reason. PATCHED below.",
    "CloudFormation DescribeChangeSet Replacement":
        "ResourceChange has no Replacement. PATCHED below from the resource type's createOnlyProperties in the "
        "registry schemas cfn-lint ships (AWS replaces a resource when one of them changes): True/False.",
    "CloudFormation stack events per resource":
        "moto records only the stack's own events. PATCHED below for creation: CREATE_IN_PROGRESS, then "
        "CREATE_COMPLETE or CREATE_FAILED with the reason, per resource as AWS does; updates and deletes still "
        "report only the stack's events.",
    "AWS::IAM::Role inline Policies": "created, but GetRolePolicy returns the document as Python repr text instead "
                                      "of JSON; read back with ast.literal_eval.",
    "AWS::Config::ConfigRule": "not supported by moto's CloudFormation (skipped with a warning). PATCHED below over "
                               "moto's Config API (PutConfigRule), which checks each managed rule's SourceIdentifier "
                               "and InputParameters names against AWS's list of managed rules. Like AWS's API it "
                               "does not evaluate anything; unlike AWS it needs no configuration recorder.",
    "EventBridge TestEventPattern": "not implemented (the call answers nothing). Tolerated: the guardrails tests "
                                    "judge the deployed rule's pattern with moto's own EventBridge matcher, the one "
                                    "its PutEvents routing uses.",
    "AWS::SNS::Topic Subscription (email)": "the subscription is created confirmed; AWS holds an e-mail "
                                            "subscription PendingConfirmation until the address confirms it. "
                                            "Tolerated: the tests read the topic's subscription, not its state.",
    "AWS::ECS::TaskDefinition": "moto's CloudFormation model registers only Family, ContainerDefinitions, Volumes "
                                "and Memory: Cpu, NetworkMode, RequiresCompatibilities, ExecutionRoleArn, "
                                "TaskRoleArn and RuntimePlatform are dropped, so a task's size cannot be read back. "
                                "PATCHED below on create: registered through moto's ECS API with all of them "
                                "(updates keep moto's behaviour).",
    "AWS::Logs::LogGroup KmsKeyId": "not kept (DescribeLogGroups has no kmsKeyId); tolerated: the key is checked "
                                    "in the templates (tests/test_sidecars.py, the audit and checkov).",
}
# Dual stack (network.ipv6: true), patched by :func:`_patch_dual_stack` from patch_moto.
MOTO_GAPS.update({
    "AWS::EC2::VPCCidrBlock": "not supported by moto's CloudFormation (skipped, so the VPC never gets its IPv6 "
                              "block). PATCHED below over moto's EC2 AssociateVpcCidrBlock "
                              "(AmazonProvidedIpv6CidrBlock: a random /56, as AWS picks one from its pool).",
    "AWS::EC2::VPC Ipv6CidrBlocks": "GetAtt Vpc.Ipv6CidrBlocks is not an attribute moto knows (the stack fails). "
                                    "PATCHED below: the VPC's associated IPv6 blocks, as AWS returns them.",
    "Fn::Cidr": "not implemented by moto's template parser (the intrinsic is passed through as a dict). PATCHED "
                "below with CloudFormation's semantics: the first `count` blocks of `2^cidrBits` addresses of "
                "ipBlock, computed with ipaddress.",
    "AWS::EC2::Subnet Ipv6CidrBlock / AssignIpv6AddressOnCreation": "ignored on create (the subnet stays IPv4-only). "
                                                                    "PATCHED below over moto's EC2 "
                                                                    "AssociateSubnetCidrBlock and "
                                                                    "ModifySubnetAttribute.",
    "AWS::EC2::EgressOnlyInternetGateway": "not supported by moto's CloudFormation (skipped). PATCHED below over "
                                           "moto's EC2 CreateEgressOnlyInternetGateway.",
    "AWS::EC2::Route DestinationIpv6CidrBlock": "ignored on create (moto creates a route without a destination). "
                                                "PATCHED below over moto's EC2 CreateRoute, which keeps IPv6 "
                                                "destinations and egress-only gateway targets.",
    "AWS::ElasticLoadBalancingV2::LoadBalancer IpAddressType": "ignored on create (the balancer stays ipv4). "
                                                               "PATCHED below over moto's ELBv2 SetIpAddressType.",
    "CloudFormation DependsOn": "honoured only for the resources moto creates in template order: a resource first "
                                "created because another one names it (Ref, GetAtt) is created before what it "
                                "DependsOn, so subnets were carved before the VPC had its IPv6 block. PATCHED below: "
                                "a resource's DependsOn targets are created first, however it is reached.",
    "AWS::EC2::SecurityGroup inline CidrIpv6": "the inline-rules patch above read CidrIp only; it passes CidrIpv6 "
                                               "on to moto's authorize calls, which keep it under Ipv6Ranges.",
})
# The gaps `stackprint drift` meets (tests/test_drift_command.py), patched by :func:`patch_drift` on top of
# patch_moto. Listed here with the others.
MOTO_GAPS.update({
    "AWS::EC2::NatGateway network interface":
        "moto attaches the VPC default security group to the NAT gateway's interface, as InterfaceType 'interface' "
        "with no description; AWS's has no security group, InterfaceType nat_gateway, RequesterManaged and "
        "'Interface for NAT Gateway nat-…'. PATCHED in patch_drift.",
    "AWS::EC2::VPCEndpoint (Interface) network interfaces":
        "moto attaches the VPC default group to the endpoint's interfaces, ignoring SecurityGroupIds; AWS attaches "
        "the endpoint's groups (InterfaceType vpc_endpoint, RequesterManaged). PATCHED in patch_drift.",
    "CloudFormation DetectStackDrift / DescribeStackDriftDetectionStatus / DescribeStackResourceDrifts":
        "not implemented. PATCHED in patch_drift for AWS::EC2::SecurityGroup, the type drift compares: the rules "
        "of each direction the template declares inline, as CloudFormation last left them (recorded before the "
        "first change made through the EC2 API, forgotten when a stack operation runs), against the group's rules "
        "now: MODIFIED with ADD/REMOVE property differences, DELETED when the group is gone. Every other resource is "
        "NOT_CHECKED (moto cannot read their live properties back).",
    "CloudTrail LookupEvents":
        "not implemented. PATCHED in patch_drift: every AuthorizeSecurityGroupIngress/Egress and "
        "ModifySecurityGroupRules call made through the EC2 API is recorded as a management event of the caller "
        "(the identity STS GetCallerIdentity gives the access key), with CloudTrail's requestParameters and "
        "responseElements shapes, and looked up by ResourceName or EventName, newest first.",
})
# ---------------------------------------------------------------------------------------------------------------


def _cidr_ranges(rule: dict) -> list[dict]:
    for key in ("CidrIp", "CidrIpv6"):  # moto's authorize_* files CidrIpv6 entries under Ipv6Ranges
        if rule.get(key):
            return [{key: rule[key], "Description": rule.get("Description", "")}]
    return []


def _peer(rule: dict, key: str) -> list[dict]:
    return [{"GroupId": rule[key], "Description": rule.get("Description", "")}] if rule.get(key) else []


def _prefix_lists(rule: dict, key: str) -> list[dict]:
    return [{"PrefixListId": rule[key], "Description": rule.get("Description", "")}] if rule.get(key) else []


def _patched_group_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """AWS semantics for AWS::EC2::SecurityGroup: inline egress REPLACES the default allow-all rule."""
    from moto.ec2.models import ec2_backends

    props = cloudformation_json["Properties"]
    backend = ec2_backends[account_id][region_name]
    vpc_id = props.get("VpcId")
    group = backend.create_security_group(name=resource_name, description=props.get("GroupDescription"),
                                          vpc_id=vpc_id)
    for tag in props.get("Tags", []):
        group.add_tag(tag["Key"], tag["Value"])
    for rule in props.get("SecurityGroupIngress", []):
        backend.authorize_security_group_ingress(group.id, rule["IpProtocol"], rule.get("FromPort"),
                                                 rule.get("ToPort"), _cidr_ranges(rule),
                                                 source_groups=_peer(rule, "SourceSecurityGroupId"),
                                                 prefix_list_ids=_prefix_lists(rule, "SourcePrefixListId"),
                                                 vpc_id=vpc_id)
    if "SecurityGroupEgress" in props:
        group.egress_rules.clear()
        for rule in props["SecurityGroupEgress"]:
            backend.authorize_security_group_egress(group.id, rule["IpProtocol"], rule.get("FromPort"),
                                                    rule.get("ToPort"), _cidr_ranges(rule),
                                                    source_groups=_peer(rule, "DestinationSecurityGroupId"),
                                                    vpc_id=vpc_id)
    return group


def _balancer_with_attributes(original):
    """AWS semantics for AWS::ElasticLoadBalancingV2::LoadBalancer: LoadBalancerAttributes are applied on create."""

    def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        from moto.elbv2.models import elbv2_backends

        balancer = original(resource_name, cloudformation_json, account_id, region_name, **kwargs)
        attributes = {a["Key"]: a["Value"] for a in cloudformation_json["Properties"].get("LoadBalancerAttributes", [])}
        if attributes:
            elbv2_backends[account_id][region_name].modify_load_balancer_attributes(balancer.arn, attributes)
        address_type = cloudformation_json["Properties"].get("IpAddressType")
        if address_type:  # MOTO_GAPS: "... LoadBalancer IpAddressType"
            elbv2_backends[account_id][region_name].set_ip_address_type(balancer.arn, address_type)
        return balancer

    return classmethod(create)


@functools.cache
def _standalone(direction: str):
    """A CloudFormationModel for AWS::EC2::SecurityGroupIngress/Egress that keeps descriptions."""
    from moto.core.common_models import CloudFormationModel

    peer_key = "SourceSecurityGroupId" if direction == "ingress" else "DestinationSecurityGroupId"

    class StandaloneRule(CloudFormationModel):
        __module__ = "moto.ec2.stackprint_test_patch"  # moto's metaclass reads the service from the module name

        def __init__(self, group_id: str):
            self.group_id = group_id

        @property
        def physical_resource_id(self) -> str:
            return self.group_id

        @staticmethod
        def cloudformation_type() -> str:
            return f"AWS::EC2::SecurityGroup{direction.capitalize()}"

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name,
                                            **kwargs):
            from moto.ec2.models import ec2_backends

            props = cloudformation_json["Properties"]
            backend = ec2_backends[account_id][region_name]
            authorize = getattr(backend, f"authorize_security_group_{direction}")
            authorize(props["GroupId"], props["IpProtocol"], props.get("FromPort"), props.get("ToPort"),
                      _cidr_ranges(props), source_groups=_peer(props, peer_key))
            return cls(props["GroupId"])

    return StandaloneRule


def _cloud_map(kind: str):
    """CloudFormation models for AWS::ServiceDiscovery::PrivateDnsNamespace / Service over moto's Cloud Map API."""
    from moto.core.common_models import CloudFormationModel

    class CloudMapResource(CloudFormationModel):
        __module__ = "moto.servicediscovery.stackprint_test_patch"

        def __init__(self, resource):
            self.resource = resource

        @property
        def physical_resource_id(self) -> str:
            return self.resource.id

        @staticmethod
        def cloudformation_type() -> str:
            return f"AWS::ServiceDiscovery::{kind}"

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return attr in ("Id", "Arn", "Name")

        def get_cfn_attribute(self, attribute_name: str):
            return {"Id": self.resource.id, "Arn": self.resource.arn, "Name": self.resource.name}[attribute_name]

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name,
                                            **kwargs):
            from moto.servicediscovery.models import servicediscovery_backends

            props = cloudformation_json["Properties"]
            backend = servicediscovery_backends[account_id][region_name]
            if kind == "PrivateDnsNamespace":
                backend.create_private_dns_namespace(props["Name"], resource_name, props.get("Description", ""),
                                                     props["Vpc"], [], {})
                return cls(next(n for n in backend.namespaces.values() if n.name == props["Name"]))
            return cls(backend.create_service(
                props["Name"], props["NamespaceId"], resource_name, props.get("Description", ""),
                props.get("DnsConfig"), props.get("HealthCheckConfig"), props.get("HealthCheckCustomConfig"), [],
                "DNS_HTTP"))

    return CloudMapResource


def _waf_and_backup(kind: str):
    """CloudFormation models for the AWS::WAFv2 and AWS::Backup resources of the templates, over moto's APIs."""
    from moto.core.common_models import CloudFormationModel

    service = "wafv2" if kind.startswith("WAFv2") else "backup"

    class Resource(CloudFormationModel):
        __module__ = f"moto.{service}.stackprint_test_patch"

        def __init__(self, physical_id: str, attributes: dict):
            self.physical_id, self.attributes = physical_id, attributes

        @property
        def physical_resource_id(self) -> str:
            return self.physical_id

        @staticmethod
        def cloudformation_type() -> str:
            return f"AWS::{kind.replace('.', '::')}"

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return attr in ("Arn", "Id", "BackupPlanId", "BackupPlanArn", "BackupVaultArn", "BackupVaultName")

        def get_cfn_attribute(self, attribute_name: str):
            return self.attributes[attribute_name]

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name,
                                            **kwargs):
            props = cloudformation_json["Properties"]
            if service == "wafv2":
                from moto.wafv2.models import wafv2_backends
                return cls._waf(wafv2_backends[account_id][region_name], resource_name, props, kwargs)
            from moto.backup.models import backup_backends
            return cls._backup(backup_backends[account_id][region_name], resource_name, props)

        @classmethod
        def _waf(cls, backend, resource_name, props, kwargs):
            if kind == "WAFv2.WebACL":
                name = props.get("Name") or f"{kwargs.get('stack_name', 'stack')}-{resource_name}"
                acl = backend.create_web_acl(name, props["VisibilityConfig"], props["DefaultAction"], props["Scope"],
                                             props.get("Description", ""), props.get("Tags", []),
                                             props.get("Rules", []), None, None, None, None, None)
                return cls(acl.arn, {"Arn": acl.arn, "Id": acl.id})
            if kind == "WAFv2.WebACLAssociation":
                backend.associate_web_acl(props["WebACLArn"], props["ResourceArn"])
                return cls(props["ResourceArn"], {})
            backend.put_logging_configuration(props["ResourceArn"], props["LogDestinationConfigs"],
                                              props.get("RedactedFields"), False, props.get("LoggingFilter"))
            return cls(props["ResourceArn"], {})

        @classmethod
        def _backup(cls, backend, resource_name, props):
            if kind == "Backup.BackupVault":
                vault = backend.create_backup_vault(props["BackupVaultName"], props.get("BackupVaultTags") or {},
                                                    props.get("EncryptionKeyArn"), resource_name)
                return cls(vault.backup_vault_name, {"BackupVaultArn": vault.backup_vault_arn,
                                                     "BackupVaultName": vault.backup_vault_name})
            if kind == "Backup.BackupPlan":
                plan = backend.create_backup_plan(_backup_plan_document(backend, props["BackupPlan"]),
                                                  props.get("BackupPlanTags") or {}, resource_name)
                return cls(plan.backup_plan_id, {"BackupPlanId": plan.backup_plan_id,
                                                 "BackupPlanArn": plan.backup_plan_arn})
            plan = backend.plans[props["BackupPlanId"]]  # KeyError: a selection for a plan that does not exist
            selections = getattr(plan, "stackprint_selections", [])
            selections.append(props["BackupSelection"])
            plan.stackprint_selections = selections
            selection_id = f"{props['BackupPlanId']}-{len(selections)}"
            return cls(selection_id, {"Id": selection_id})

    return Resource


def _backup_plan_document(backend, template_plan: dict) -> dict:
    """The CloudFormation shape of a backup plan (``BackupPlanRule``, ``TargetBackupVault``) in the API's shape
    (``Rules``, ``TargetBackupVaultName``) moto stores; a rule naming a vault that does not exist fails, as in AWS."""
    rules = []
    for rule in template_plan.get("BackupPlanRule", []):
        rule = dict(rule)
        vault = rule.pop("TargetBackupVault")
        backend.describe_backup_vault(vault)  # raises for an unknown vault
        rules.append({**rule, "TargetBackupVaultName": vault})
    return {"BackupPlanName": template_plan["BackupPlanName"], "Rules": rules}


WAF_AND_BACKUP = ("WAFv2.WebACL", "WAFv2.WebACLAssociation", "WAFv2.LoggingConfiguration", "Backup.BackupVault",
                  "Backup.BackupPlan", "Backup.BackupSelection")


def _yaml_tag_constructor(loader, tag, node):
    """moto's constructor for short-form intrinsics, with ``!GetAtt A.B.C`` read as CloudFormation does: [A, B.C]."""
    from moto.cloudformation.utils import yaml_tag_constructor

    if tag == "!GetAtt" and not isinstance(node.value, list):
        return {"Fn::GetAtt": node.value.split(".", 1)}
    return yaml_tag_constructor(loader, tag, node)


def _name(value):
    """moto's Ref to an RDS subnet or parameter group yields the object (they have no physical id): its name."""
    return getattr(value, "name", value)


def _patched_db_instance_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """AWS::RDS::DBInstance over moto's RDS API with every property the templates set, as AWS documents them."""
    from moto.rds.models import rds_backends

    props = cloudformation_json["Properties"]
    db_kwargs = {
        "db_instance_identifier": resource_name.lower(), "engine": props["Engine"],
        "engine_version": props.get("EngineVersion"), "db_instance_class": props["DBInstanceClass"],
        "allocated_storage": int(props["AllocatedStorage"]) if "AllocatedStorage" in props else None,
        "storage_type": props.get("StorageType"), "storage_encrypted": props.get("StorageEncrypted", False),
        "kms_key_id": props.get("KmsKeyId"), "db_name": props.get("DBName"),
        "master_username": props.get("MasterUsername"),
        "manage_master_user_password": props.get("ManageMasterUserPassword", False),
        "multi_az": props.get("MultiAZ", False), "publicly_accessible": props.get("PubliclyAccessible"),
        "deletion_protection": props.get("DeletionProtection", False),
        "enable_iam_database_authentication": props.get("EnableIAMDatabaseAuthentication", False),
        "monitoring_interval": props.get("MonitoringInterval", 0),
        "monitoring_role_arn": props.get("MonitoringRoleArn"),
        "enable_cloudwatch_logs_exports": props.get("EnableCloudwatchLogsExports"),
        "backup_retention_period": props.get("BackupRetentionPeriod", 1),
        "copy_tags_to_snapshot": props.get("CopyTagsToSnapshot", False),
        "auto_minor_version_upgrade": props.get("AutoMinorVersionUpgrade", True),
        "db_subnet_group_name": _name(props.get("DBSubnetGroupName")),
        "db_parameter_group_name": _name(props.get("DBParameterGroupName")),
        "vpc_security_group_ids": list(props.get("VPCSecurityGroups", [])),
        "db_cluster_identifier": props.get("DBClusterIdentifier"), "tags": props.get("Tags"),
    }
    return rds_backends[account_id][region_name].create_db_instance(db_kwargs)


def _db_instance_attribute(original):
    """GetAtt on a DB instance, plus MasterUserSecret.SecretArn (the secret RDS manages)."""

    def get_cfn_attribute(self, attribute_name):
        if attribute_name == "MasterUserSecret.SecretArn":
            return self.master_user_secret.secret_arn
        return original(self, attribute_name)

    return get_cfn_attribute


def run_default_group_function(event: dict) -> dict:
    """Run the function's own code (generator/emit/default_group.py HANDLER) in-process against moto, with a
    stand-in for the ``cfnresponse`` module Lambda provides to ZipFile code; returns what it answered."""
    import sys
    import types

    from generator.emit.default_group import HANDLER

    answers = []
    stub = types.ModuleType("cfnresponse")
    stub.SUCCESS, stub.FAILED = "SUCCESS", "FAILED"
    stub.send = lambda event, context, status, data, physical_id=None, noEcho=False, reason=None: answers.append(
        {"Status": status, "PhysicalResourceId": physical_id, "Reason": reason})
    saved = sys.modules.get("cfnresponse")
    sys.modules["cfnresponse"] = stub
    try:
        namespace: dict = {}
        exec(compile(HANDLER, "index.py", "exec"), namespace)
        namespace["handler"](event, None)
    finally:
        if saved is None:
            sys.modules.pop("cfnresponse", None)
        else:
            sys.modules["cfnresponse"] = saved
    assert len(answers) == 1, "the function must answer CloudFormation exactly once"
    return answers[0]


def _patched_custom_resource(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """The default-group restriction: the Create event goes to the function's own code, run in-process (moto
    would run it in Docker and wait for an HTTP answer), and its answer completes the resource."""
    from moto.cloudformation.custom_model import CustomModel

    from generator.emit.default_group import RESOURCE_TYPE

    assert kwargs["ResourceType"] == RESOURCE_TYPE, f"no emulation for custom resource {kwargs['ResourceType']}"
    answer = run_default_group_function({"RequestType": "Create", "ResourceType": kwargs["ResourceType"],
                                         "LogicalResourceId": kwargs["LogicalId"],
                                         "ResourceProperties": cloudformation_json["Properties"]})
    assert answer["Status"] == "SUCCESS", answer
    resource = CustomModel(region_name, "stackprint-test", kwargs["LogicalId"], answer["PhysicalResourceId"])
    resource.set_data({})
    return resource



def _create_only_changed(resource_type: str, old: dict, new: dict) -> bool:
    """Whether a property CloudFormation cannot update in place differs (so AWS would replace the resource)."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(REGION, resource_type).schema
    except Exception:  # a type the registry does not know (custom resources): AWS updates those in place
        return False
    old_props, new_props = old.get("Properties") or {}, new.get("Properties") or {}
    for pointer in schema.get("createOnlyProperties", []):
        name = pointer.split("/")[2]
        if old_props.get(name) != new_props.get(name):
            return True
    return False


def _change_set_diff(self):
    """moto's diff, plus each Modify's Replacement (True when a createOnly property changed, as AWS decides)."""
    from moto.cloudformation.models import Change

    old = self.stack.resource_map._resource_json_map
    new = self.template_dict["Resources"]
    changes = []
    for action, resources in self.stack.resource_map.build_change_set_actions(self.template_dict).items():
        for logical_id, resource in resources.items():
            change = Change(action=action, logical_resource_id=logical_id, resource_type=resource["ResourceType"])
            if action == "Modify":
                change.replacement = "True" if _create_only_changed(resource["ResourceType"], old[logical_id],
                                                                    new[logical_id]) else "False"
            changes.append(change)
    return changes


def _stack_of(resource_map):
    from moto.cloudformation.models import cloudformation_backends

    backend = cloudformation_backends[resource_map._account_id][resource_map._region_name]
    return backend.stacks.get(resource_map.stack_id)


def _resource_events(original):
    """ResourceMap.__getitem__ with AWS's per-resource creation events (CREATE_IN_PROGRESS/COMPLETE/FAILED)."""

    def getitem(self, key):
        resource_json = self._resource_json_map.get(key) if isinstance(self._resource_json_map, dict) else None
        stack = _stack_of(self)
        if (key in self._parsed_resources or not isinstance(resource_json, dict) or stack is None
                or stack.status != "CREATE_IN_PROGRESS"):  # moto also re-parses resources while deleting
            return original(self, key)
        kind = resource_json.get("Type", "")
        stack._add_resource_event(key, kind, "CREATE_IN_PROGRESS", "")
        try:
            resource = original(self, key)
        except Exception as exc:
            stack._add_resource_event(key, kind, "CREATE_FAILED", f"{type(exc).__name__}: {exc}")
            raise _AlreadyReported(exc) from exc
        physical = getattr(resource, "physical_resource_id", "") or ""
        stack._add_resource_event(key, kind, "CREATE_COMPLETE", "", physical)
        return resource

    return getitem


class _AlreadyReported(Exception):
    """A resource failure whose CREATE_FAILED event is recorded; carries the original exception."""


def _add_resource_event(self, logical_id, resource_type, status, reason, physical_id=""):
    from moto.cloudformation.models import Event

    self.events.append(Event(stack_id=self.stack_id, stack_name=self.name, logical_resource_id=logical_id,
                             physical_resource_id=physical_id, resource_type=resource_type,
                             resource_status=status, resource_status_reason=reason or None,
                             resource_properties=None))


def _execute_change_set(self, change_set_name, stack_name=None):
    """ExecuteChangeSet as AWS does it: CREATE builds the stack from the change set like CreateStack (outputs,
    exports, parameters, tags); UPDATE goes through UpdateStack; a failure rolls back instead of erroring."""
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.models import Stack

    change_set = self.describe_change_set(change_set_name)
    if change_set.execution_status != "AVAILABLE":
        raise ValidationError(change_set.change_set_id, message=f"ChangeSet [{change_set.change_set_id}] cannot be "
                                                                f"executed in its current status of "
                                                                f"[{change_set.status}]")
    stack = self.stacks[change_set.stack_id]
    if change_set.change_set_type == "CREATE":
        fresh = Stack(stack_id=stack.stack_id, name=stack.name, template=change_set.template,
                      parameters=change_set.parameters, account_id=self.account_id, region_name=self.region_name,
                      notification_arns=change_set.notification_arns, tags=change_set.tags,
                      role_arn=change_set.role_arn, cross_stack_resources=self.exports)
        fresh.events = stack.events
        fresh.creation_time = stack.creation_time
        self.stacks[stack.stack_id] = fresh
        fresh._add_stack_event("CREATE_IN_PROGRESS", resource_status_reason="User Initiated")
        try:
            self._validate_export_uniqueness(fresh)
            fresh.create_resources()
        except Exception as exc:
            cause = exc.__cause__ if isinstance(exc, _AlreadyReported) else exc
            if not isinstance(exc, _AlreadyReported):
                fresh._add_stack_event("CREATE_FAILED", resource_status_reason=str(cause))
            fresh._add_stack_event("ROLLBACK_IN_PROGRESS",
                                   resource_status_reason="The following resource(s) failed to create.")
            try:
                fresh.resource_map.delete()
            except Exception:  # moto cannot always undo; AWS would, and the stack is reported rolled back
                pass
            fresh._add_stack_event("ROLLBACK_COMPLETE")
            fresh.status = "ROLLBACK_COMPLETE"
            change_set.execution_status = "EXECUTE_FAILED"
            return
        for export in fresh.exports:
            self.exports[export.name] = export
        fresh.status = "CREATE_COMPLETE"
    else:
        old_exports = [export.name for export in stack.exports]
        try:
            stack.update(change_set.template, change_set.role_arn, parameters=change_set.parameters,
                         tags=change_set.tags)
        except Exception as exc:
            cause = exc.__cause__ if isinstance(exc, _AlreadyReported) else exc
            stack._add_stack_event("UPDATE_FAILED", resource_status_reason=str(cause))
            stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE")
            stack.status = "UPDATE_ROLLBACK_COMPLETE"
            change_set.execution_status = "EXECUTE_FAILED"
            return
        for name in old_exports:
            self.exports.pop(name, None)
        for export in stack.exports:
            self.exports[export.name] = export
        stack.parameters = change_set.parameters
    change_set.execution_status = "EXECUTE_COMPLETE"


def _ec2_delete(kind: str):
    """delete_from_cloudformation_json for the EC2 types moto's CloudFormation cannot delete."""

    def delete(cls, resource_name, cloudformation_json, account_id, region_name):
        from moto.ec2.models import ec2_backends

        backend = ec2_backends[account_id][region_name]
        if kind == "RouteTable":
            table = backend.route_tables.get(resource_name)
            if table is None:
                return
            for association_id in list(table._associations):
                backend.disassociate_route_table(association_id)
            backend.delete_route_table(resource_name)
        elif kind == "InternetGateway":
            gateway = backend.internet_gateways.get(resource_name)
            if gateway is None:
                return
            if gateway.vpc is not None:
                backend.detach_internet_gateway(resource_name, gateway.vpc.id)
            backend.delete_internet_gateway(resource_name)
        elif kind == "NatGateway" and resource_name in backend.nat_gateways:
            backend.delete_nat_gateway(resource_name)

    return classmethod(delete)


def _create_change_set(original):
    """CreateChangeSet of type CREATE reuses a stack that is only awaiting review, as AWS does."""

    def create_change_set(self, stack_name, change_set_name, template, parameters, description, change_set_type,
                          *args, **kwargs):
        reviewed = [s for s in self.stacks.values() if s.name == stack_name and s.status == "REVIEW_IN_PROGRESS"]
        if change_set_type == "CREATE":
            for stack in reviewed:
                del self.stacks[stack.stack_id]
        change_set_id, stack_id = original(self, stack_name, change_set_name, template, parameters, description,
                                           change_set_type, *args, **kwargs)
        if change_set_type == "CREATE" and reviewed:
            self.stacks[stack_id].events[:0] = [e for stack in reviewed for e in stack.events]
        return change_set_id, stack_id

    return create_change_set


def _protected_balancer_delete(original):
    """DeleteLoadBalancer refuses a balancer whose deletion protection is on."""

    def delete_load_balancer(self, arn):
        from moto.elbv2.exceptions import ELBClientError

        balancer = self.load_balancers.get(arn)
        if balancer is not None and str(balancer.attrs.get("deletion_protection.enabled")).lower() == "true":
            error = ELBClientError(f"Load balancer '{arn}' cannot be deleted because deletion protection is enabled")
            error.code = "OperationNotPermitted"
            raise error
        return original(self, arn)

    return delete_load_balancer


def _recording_delete(original):
    """ResourceMap._delete_resource, remembering each resource's last delete failure (for DELETE_FAILED events)."""

    def delete_resource(self, parsed_resource, resource_json):
        try:
            return original(self, parsed_resource, resource_json)
        except Exception as exc:
            failures = self.__dict__.setdefault("_stackprint_delete_failures", {})
            failures[parsed_resource.logical_resource_id] = (resource_json.get("Type", ""), str(exc))
            raise

    return delete_resource


def _delete_stack(original):
    """DeleteStack as AWS answers it: a resource that cannot be deleted leaves the stack DELETE_FAILED."""

    def delete_stack(self, name_or_stack_id):
        stack = self.stacks.get(name_or_stack_id) or next(
            (s for s in self.stacks.values() if s.name == name_or_stack_id), None)
        try:
            return original(self, name_or_stack_id)
        except Exception as exc:
            if stack is None:
                raise
            self.stacks[stack.stack_id] = stack
            failures = stack.resource_map.__dict__.get("_stackprint_delete_failures", {})
            remaining = set(stack.resource_map._parsed_resources) & set(failures)
            for logical_id in sorted(remaining):
                kind, reason = failures[logical_id]
                stack._add_resource_event(logical_id, kind, "DELETE_FAILED", reason)
            stack._add_stack_event("DELETE_FAILED", resource_status_reason="The following resource(s) failed to "
                                                                           f"delete: [{', '.join(sorted(remaining))}]."
                                   if remaining else str(exc))
            stack.status = "DELETE_FAILED"

    return delete_stack


def _config_rule():
    """A CloudFormation model for AWS::Config::ConfigRule over moto's Config API."""
    from moto.core.common_models import CloudFormationModel

    class ConfigRuleResource(CloudFormationModel):
        __module__ = "moto.config.stackprint_test_patch"

        def __init__(self, name: str):
            self.name = name

        @property
        def physical_resource_id(self) -> str:
            return self.name

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::Config::ConfigRule"

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name,
                                            **kwargs):
            import json as _json

            from moto.config.models import config_backends

            props = dict(cloudformation_json["Properties"])
            if "InputParameters" in props:  # the API takes the JSON text CloudFormation writes from the mapping
                props["InputParameters"] = _json.dumps(props["InputParameters"])
            config_backends[account_id][region_name].put_config_rule(props)
            return cls(props.get("ConfigRuleName", resource_name))

    return ConfigRuleResource


def _typed_balancer(original):
    """AWS semantics for AWS::ElasticLoadBalancingV2::LoadBalancer Type: a network balancer is created as one."""

    def create(resource_name, cloudformation_json, account_id, region_name, **kwargs):
        from moto.elbv2.models import elbv2_backends

        props = cloudformation_json["Properties"]
        if props.get("Type", "application") == "application":
            return original(resource_name, cloudformation_json, account_id, region_name, **kwargs)
        return elbv2_backends[account_id][region_name].create_load_balancer(
            resource_name, props.get("SecurityGroups") or [], props.get("Subnets"),
            scheme=props.get("Scheme", "internet-facing"), loadbalancer_type=props["Type"],
            ip_address_type=props.get("IpAddressType", "ipv4"))

    return create


def _endpoint_service(kind: str):
    """CloudFormation models for AWS::EC2::VPCEndpointService and its Permissions, over moto's EC2 API."""
    from moto.core.common_models import CloudFormationModel

    class EndpointServiceResource(CloudFormationModel):
        __module__ = "moto.ec2.stackprint_test_patch"

        def __init__(self, service_id: str):
            self.service_id = service_id

        @property
        def physical_resource_id(self) -> str:
            return self.service_id

        @staticmethod
        def cloudformation_type() -> str:
            return f"AWS::EC2::{kind}"

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return attr == "ServiceId"

        def get_cfn_attribute(self, attribute_name: str):
            return self.service_id

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name,
                                            **kwargs):
            from moto.ec2.models import ec2_backends

            backend, props = ec2_backends[account_id][region_name], cloudformation_json["Properties"]
            if kind == "VPCEndpointService":
                config = backend.create_vpc_endpoint_service_configuration(
                    props.get("NetworkLoadBalancerArns", []), bool(props.get("AcceptanceRequired", True)),
                    props.get("PrivateDnsName"), [], [])
                return cls(config.id)
            backend.modify_vpc_endpoint_service_permissions(props["ServiceId"], props.get("AllowedPrincipals", []),
                                                            [])
            return cls(props["ServiceId"])

    return EndpointServiceResource
def _strategy(items) -> list[dict]:
    """A CloudFormation capacity provider strategy in the ECS API's shape."""
    return [{"capacityProvider": item["CapacityProvider"], "weight": int(item.get("Weight", 0)),
             "base": int(item.get("Base", 0))} for item in items or []]


def _patched_cluster_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """AWS::ECS::Cluster with its capacity providers, default strategy and settings (moto drops them)."""
    from moto.ecs.models import ecs_backends

    props = cloudformation_json.get("Properties") or {}
    settings = [{"name": s["Name"], "value": s["Value"]} for s in props.get("ClusterSettings") or []] or None
    return ecs_backends[account_id][region_name].create_cluster(
        cluster_name=props.get("ClusterName") or resource_name, cluster_settings=settings,
        capacity_providers=props.get("CapacityProviders"),
        default_capacity_provider_strategy=_strategy(props.get("DefaultCapacityProviderStrategy")) or None)


def _patched_service_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """AWS::ECS::Service with its network configuration, launch type and capacity provider strategy: a service
    has one or the other (AWS refuses both), and without either moto would record launch type EC2."""
    from moto.ecs.models import Cluster, TaskDefinition, ecs_backends

    props = cloudformation_json["Properties"]
    cluster = props["Cluster"].name if isinstance(props["Cluster"], Cluster) else props["Cluster"]
    task = props["TaskDefinition"]
    task = task.family if isinstance(task, TaskDefinition) else task
    strategy = _strategy(props.get("CapacityProviderStrategy"))
    if strategy and props.get("LaunchType"):
        raise ValueError("Specifying both a launch type and capacity provider strategy is not supported.")
    vpc = (props.get("NetworkConfiguration") or {}).get("AwsvpcConfiguration")
    network = {"awsvpcConfiguration": {"subnets": list(vpc.get("Subnets") or []),
                                       "securityGroups": list(vpc.get("SecurityGroups") or []),
                                       "assignPublicIp": vpc.get("AssignPublicIp", "DISABLED")}} if vpc else None
    service = ecs_backends[account_id][region_name].create_service(
        cluster, resource_name, props.get("DesiredCount"), task_definition_str=task,
        launch_type=props.get("LaunchType") or "FARGATE", network_configuration=network)
    if strategy:
        service.launch_type = None
        service.capacity_provider_strategy = strategy
    return service


def _patched_task_definition_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """Register the task definition with every property ECS takes from the template (see MOTO_GAPS)."""
    from moto.ecs.models import ecs_backends
    from moto.core.utils import pascal_to_camelcase, remap_nested_keys

    props = cloudformation_json["Properties"]
    return ecs_backends[account_id][region_name].register_task_definition(
        family=props.get("Family", resource_name),
        container_definitions=remap_nested_keys(props.get("ContainerDefinitions", []), pascal_to_camelcase),
        volumes=remap_nested_keys(props.get("Volumes", []), pascal_to_camelcase),
        network_mode=props.get("NetworkMode"), requires_compatibilities=props.get("RequiresCompatibilities"),
        cpu=props.get("Cpu"), memory=props.get("Memory"), task_role_arn=props.get("TaskRoleArn"),
        execution_role_arn=props.get("ExecutionRoleArn"),
        runtime_platform=remap_nested_keys(props["RuntimePlatform"], pascal_to_camelcase)
        if "RuntimePlatform" in props else None)


def patch_moto(monkeypatch) -> None:
    """Apply every PATCHED entry of MOTO_GAPS to moto's classes (in-process mock and server alike)."""
    from moto.cloudformation import models as cfn_models, parsing, responses as cfn_responses
    from moto.cloudformation.custom_model import CustomModel
    from moto.ec2.models.security_groups import SecurityGroup
    from moto.elbv2.models import FakeLoadBalancer
    from moto.rds.models import DBInstance

    assert moto.__version__ == MOTO_VERSION, "re-check MOTO_GAPS for this moto version"
    monkeypatch.setattr(SecurityGroup, "create_from_cloudformation_json", classmethod(_patched_group_create))
    monkeypatch.setattr(CustomModel, "create_from_cloudformation_json", classmethod(_patched_custom_resource))
    monkeypatch.setattr(FakeLoadBalancer, "create_from_cloudformation_json",
                        _balancer_with_attributes(_typed_balancer(FakeLoadBalancer.create_from_cloudformation_json)))
    for module in (cfn_models, cfn_responses):
        monkeypatch.setattr(module, "yaml_tag_constructor", _yaml_tag_constructor)
    monkeypatch.setattr(DBInstance, "create_from_cloudformation_json", classmethod(_patched_db_instance_create))
    from moto.ecs.models import Cluster as EcsCluster, Service as EcsService
    monkeypatch.setattr(EcsCluster, "create_from_cloudformation_json", classmethod(_patched_cluster_create))
    monkeypatch.setattr(EcsService, "create_from_cloudformation_json", classmethod(_patched_service_create))
    from moto.ecs.models import TaskDefinition
    monkeypatch.setattr(TaskDefinition, "create_from_cloudformation_json",
                        classmethod(_patched_task_definition_create))
    monkeypatch.setattr(DBInstance, "has_cfn_attr", classmethod(
        lambda cls, attr: attr in ("Endpoint.Address", "Endpoint.Port", "MasterUserSecret.SecretArn")))
    monkeypatch.setattr(DBInstance, "get_cfn_attribute", _db_instance_attribute(DBInstance.get_cfn_attribute))
    models = dict(parsing.get_model_map())
    for direction in ("ingress", "egress"):
        model = _standalone(direction)
        models[model.cloudformation_type()] = model
    for kind in ("PrivateDnsNamespace", "Service"):
        model = _cloud_map(kind)
        models[model.cloudformation_type()] = model
    for kind in WAF_AND_BACKUP:
        model = _waf_and_backup(kind)
        models[model.cloudformation_type()] = model
    models["AWS::Config::ConfigRule"] = _config_rule()
    for kind in ("VPCEndpointService", "VPCEndpointServicePermissions"):
        models[f"AWS::EC2::{kind}"] = _endpoint_service(kind)
    _patch_dual_stack(monkeypatch, models)
    monkeypatch.setattr(parsing, "get_model_map", lambda: models)
    # change sets and events (stackprint deploy)
    monkeypatch.setattr(cfn_models.ChangeSet, "diff", _change_set_diff)
    monkeypatch.setattr(cfn_models.Stack, "_add_resource_event", _add_resource_event, raising=False)
    monkeypatch.setattr(parsing.ResourceMap, "__getitem__", _resource_events(parsing.ResourceMap.__getitem__))
    monkeypatch.setattr(cfn_models.CloudFormationBackend, "execute_change_set", _execute_change_set)
    monkeypatch.setattr(cfn_models.CloudFormationBackend, "create_change_set",
                        _create_change_set(cfn_models.CloudFormationBackend.create_change_set))
    from moto.ec2.models.internet_gateways import InternetGateway
    from moto.ec2.models.nat_gateways import NatGateway
    from moto.ec2.models.route_tables import RouteTable
    for model in (RouteTable, InternetGateway, NatGateway):
        monkeypatch.setattr(model, "delete_from_cloudformation_json", _ec2_delete(model.__name__))
    from moto.elbv2.models import ELBv2Backend
    monkeypatch.setattr(ELBv2Backend, "delete_load_balancer",
                        _protected_balancer_delete(ELBv2Backend.delete_load_balancer))
    monkeypatch.setattr(parsing.ResourceMap, "_delete_resource", _recording_delete(parsing.ResourceMap._delete_resource))
    monkeypatch.setattr(cfn_models.CloudFormationBackend, "delete_stack",
                        _delete_stack(cfn_models.CloudFormationBackend.delete_stack))
    monkeypatch.setattr(cfn_responses.CloudFormationResponse, "_validate_different_update",
                        lambda self, incoming_params, stack_body, old_stack: None)


def _fn_cidr(value: list) -> list[str]:
    """CloudFormation's Fn::Cidr [ipBlock, count, cidrBits]: the first ``count`` blocks of 2^cidrBits addresses."""
    import ipaddress
    import itertools

    block, count, bits = value
    network = ipaddress.ip_network(block)
    return [str(n) for n in itertools.islice(network.subnets(new_prefix=network.max_prefixlen - int(bits)),
                                             int(count))]


def _clean_json_with_cidr(original):
    def clean_json(resource_json, resources_map):
        if isinstance(resource_json, dict) and "Fn::Cidr" in resource_json:
            return _fn_cidr(clean_json(resource_json["Fn::Cidr"], resources_map))
        return original(resource_json, resources_map)
    return clean_json


def _dual_stack_model(kind: str):
    """CloudFormation models for AWS::EC2::VPCCidrBlock and AWS::EC2::EgressOnlyInternetGateway over moto's EC2."""
    from moto.core.common_models import CloudFormationModel

    class DualStackResource(CloudFormationModel):
        __module__ = "moto.ec2.stackprint_test_patch"

        def __init__(self, physical_id: str):
            self.physical_id = physical_id

        @property
        def physical_resource_id(self) -> str:
            return self.physical_id

        @staticmethod
        def cloudformation_type() -> str:
            return f"AWS::EC2::{kind}"

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return attr == "Id"

        def get_cfn_attribute(self, attribute_name: str):
            return self.physical_id

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name,
                                            **kwargs):
            from moto.ec2.models import ec2_backends

            props = cloudformation_json["Properties"]
            backend = ec2_backends[account_id][region_name]
            if kind == "VPCCidrBlock":
                association = backend.associate_vpc_cidr_block(
                    props["VpcId"], props.get("CidrBlock"), bool(props.get("AmazonProvidedIpv6CidrBlock")))
                return cls(association["association_id"])
            return cls(backend.create_egress_only_internet_gateway(props["VpcId"]).id)

    return DualStackResource


def _vpc_attribute(original):
    def get_cfn_attribute(self, attribute_name):
        if attribute_name == "Ipv6CidrBlocks":
            return [a["cidr_block"] for a in self.get_cidr_block_association_set(ipv6=True)]
        return original(self, attribute_name)
    return get_cfn_attribute


def _subnet_with_ipv6(original):
    def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        from moto.ec2.models import ec2_backends

        subnet = original(resource_name, cloudformation_json, account_id, region_name, **kwargs)
        props = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        if props.get("Ipv6CidrBlock"):
            backend.associate_subnet_cidr_block(subnet.id, props["Ipv6CidrBlock"])
        if "AssignIpv6AddressOnCreation" in props:
            backend.modify_subnet_attribute(subnet.id, "assign_ipv6_address_on_creation",
                                            str(props["AssignIpv6AddressOnCreation"]).lower() == "true")
        return subnet
    return classmethod(create)


def _route_with_ipv6(original):
    def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        from moto.ec2.models import ec2_backends

        props = cloudformation_json["Properties"]
        if not props.get("DestinationIpv6CidrBlock"):
            return original(resource_name, cloudformation_json, account_id, region_name, **kwargs)
        return ec2_backends[account_id][region_name].create_route(
            props["RouteTableId"], None, destination_ipv6_cidr_block=props["DestinationIpv6CidrBlock"],
            gateway_id=props.get("GatewayId"), egress_only_igw_id=props.get("EgressOnlyInternetGatewayId"))
    return classmethod(create)


def _depends_on_first(original):
    def getitem(self, key):
        resource_json = self._resource_json_map.get(key) if key not in self._parsed_resources else None
        if isinstance(resource_json, dict):
            depends = resource_json.get("DependsOn", [])
            for dependency in [depends] if isinstance(depends, str) else depends:
                if dependency in self._resource_json_map:
                    self[dependency]  # through every wrapper (events)
        return original(self, key)
    return getitem


def _patch_dual_stack(monkeypatch, models: dict) -> None:
    """The dual-stack entries of MOTO_GAPS (network.ipv6: true)."""
    from moto.cloudformation import parsing
    from moto.ec2.models.route_tables import Route
    from moto.ec2.models.subnets import Subnet
    from moto.ec2.models.vpcs import VPC

    for kind in ("VPCCidrBlock", "EgressOnlyInternetGateway"):
        model = _dual_stack_model(kind)
        models[model.cloudformation_type()] = model
    monkeypatch.setattr(parsing, "clean_json", _clean_json_with_cidr(parsing.clean_json))
    monkeypatch.setattr(parsing.ResourceMap, "__getitem__", _depends_on_first(parsing.ResourceMap.__getitem__))
    monkeypatch.setattr(VPC, "get_cfn_attribute", _vpc_attribute(VPC.get_cfn_attribute))
    monkeypatch.setattr(VPC, "has_cfn_attr", classmethod(
        lambda cls, attr, _original=VPC.has_cfn_attr: attr == "Ipv6CidrBlocks" or _original(attr)))
    monkeypatch.setattr(Subnet, "create_from_cloudformation_json",
                        _subnet_with_ipv6(Subnet.create_from_cloudformation_json))
    monkeypatch.setattr(Route, "create_from_cloudformation_json",
                        _route_with_ipv6(Route.create_from_cloudformation_json))


def fake_credentials(monkeypatch) -> None:
    """Credentials and region that can only ever reach the emulator."""
    for key, value in {"AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION, "AWS_ACCESS_KEY_ID": "testing",
                       "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Server:
    """The running emulator: its endpoint (also exported as AWS_ENDPOINT_URL, so every boto3 client and the aws
    CLI of the test process reach it)."""

    endpoint: str

    def client(self, service: str):
        import boto3

        return boto3.client(service, region_name=REGION, endpoint_url=self.endpoint)


@contextmanager
def moto_server(monkeypatch):
    """moto as an HTTP server on 127.0.0.1 in this process (patched, with fresh state), for real clients."""
    import requests
    from moto.server import ThreadedMotoServer

    fake_credentials(monkeypatch)
    patch_moto(monkeypatch)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per API call drowns the output
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    requests.post(f"{endpoint}/moto-api/reset", timeout=30)
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)  # also the in-process custom-resource function's clients
    try:
        yield Server(endpoint)
    finally:
        server.stop()


# --- patch_drift: the gaps of `stackprint drift` ----------------------------------------------------------------


class _DriftState:
    """What the drift patches remember between calls: CloudTrail events, each group's rules as CloudFormation left
    them, and the drift detections run."""

    def __init__(self):
        self.events: list[dict] = []
        self.baseline: dict[str, dict] = {}     # group id -> {"ingress": [...], "egress": [...]} (CFN property shape)
        self.detections: dict[str, dict] = {}   # detection id -> {"stack": name, "drifts": [...]}


_DRIFT = _DriftState()


def _cfn_rule(rule) -> dict:
    """A moto SecurityGroupRule in CloudFormation's property shape (as drift detection reports values)."""
    shape = {"IpProtocol": rule.ip_protocol}
    if rule.ip_protocol != "-1":
        shape.update(FromPort=rule.from_port, ToPort=rule.to_port)
    for key in ("CidrIp", "CidrIpv6"):
        if rule.ip_range.get(key):
            shape[key] = rule.ip_range[key]
    if rule.source_group.get("GroupId"):
        shape["SourceSecurityGroupId" if not rule.is_egress else "DestinationSecurityGroupId"] = \
            rule.source_group["GroupId"]
    if rule.prefix_list_id:
        shape["SourcePrefixListId" if not rule.is_egress else "DestinationPrefixListId"] = rule.prefix_list_id
    return shape


def _rules_now(backend, group_id: str) -> dict | None:
    if backend.get_security_group_from_id(group_id) is None:
        return None
    rules = backend.describe_security_group_rules([], {"group-id": [group_id]})
    found = {"ingress": [], "egress": []}
    for rule in rules:
        found["egress" if rule.is_egress else "ingress"].append(_cfn_rule(rule))
    return {direction: sorted(items, key=lambda r: json.dumps(r, sort_keys=True)) for direction, items in found.items()}


def _recorded(action: str):
    """An EC2 security-group API method that records a CloudTrail event (and the group's baseline first)."""
    import datetime
    import uuid

    def wrap(original):
        def handler(self):
            from moto.sts.models import sts_backends

            group_id = self._get_param("GroupId")
            backend = self.ec2_backend
            if group_id and group_id not in _DRIFT.baseline:
                _DRIFT.baseline[group_id] = _rules_now(backend, group_id)
            before = {r.id for r in backend.describe_security_group_rules([], {"group-id": [group_id]})} \
                if group_id else set()
            result = original(self)
            if action.startswith("Revoke"):
                return result
            after = backend.describe_security_group_rules([], {"group-id": [group_id]}) if group_id else []
            new = [r for r in after if r.id not in before]
            user_id, arn, account = sts_backends[self.current_account]["aws"].get_caller_identity(
                self.get_access_key(), self.region)
            request = {"groupId": group_id, "ipPermissions": {"items": [
                {"ipProtocol": r.ip_protocol, "fromPort": r.from_port, "toPort": r.to_port,
                 "ipRanges": {"items": [{"cidrIp": r.ip_range["CidrIp"]}] if r.ip_range.get("CidrIp") else []},
                 "ipv6Ranges": {"items": [{"cidrIpv6": r.ip_range["CidrIpv6"]}] if r.ip_range.get("CidrIpv6") else []},
                 "groups": {"items": [{"groupId": r.source_group["GroupId"]}] if r.source_group.get("GroupId") else []},
                 "prefixListIds": {"items": [{"prefixListId": r.prefix_list_id}] if r.prefix_list_id else []}}
                for r in new]}}
            if action == "ModifySecurityGroupRules":
                request = {"ModifySecurityGroupRulesRequest": {"GroupId": group_id, "SecurityGroupRule": [
                    {"SecurityGroupRuleId": rule["SecurityGroupRuleId"]}
                    for rule in self._get_param("SecurityGroupRules", [])]}}
            moment = datetime.datetime.now(datetime.timezone.utc)
            _DRIFT.events.append({
                "EventId": str(uuid.uuid4()), "EventName": action, "ReadOnly": "false",
                "EventTime": moment.timestamp(), "EventSource": "ec2.amazonaws.com", "Username": arn.split("/")[-1],
                "Resources": [{"ResourceType": "AWS::EC2::SecurityGroup", "ResourceName": group_id}],
                "CloudTrailEvent": json.dumps({
                    "eventVersion": "1.08", "eventName": action, "eventSource": "ec2.amazonaws.com",
                    "eventTime": moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "awsRegion": self.region,
                    "userIdentity": {"type": "IAMUser", "arn": arn, "principalId": user_id, "accountId": account},
                    "requestParameters": request,
                    "responseElements": {"_return": True, "securityGroupRuleSet": {"items": [
                        {"groupId": group_id, "securityGroupRuleId": r.id, "isEgress": r.is_egress} for r in new]}},
                })})
            return result
        return handler
    return wrap


def _lookup_events(self):
    attributes = self._get_param("LookupAttributes") or []
    events = list(reversed(_DRIFT.events))
    for attribute in attributes:
        key, value = attribute["AttributeKey"], attribute["AttributeValue"]
        if key == "ResourceName":
            events = [e for e in events if any(r["ResourceName"] == value for r in e["Resources"])]
        elif key == "EventName":
            events = [e for e in events if e["EventName"] == value]
    return json.dumps({"Events": events})


def _stack_drifts(backend, stack) -> list[dict]:
    """AWS's resource drifts of one stack, for the security groups (everything else NOT_CHECKED)."""
    from moto.ec2.models import ec2_backends

    ec2 = ec2_backends[stack.account_id][stack.region_name]
    drifts = []
    for logical_id, resource in sorted((stack.template_dict.get("Resources") or {}).items()):
        parsed = stack.resource_map._parsed_resources.get(logical_id)
        physical = getattr(parsed, "physical_resource_id", "") or ""
        entry = {"StackId": stack.stack_id, "LogicalResourceId": logical_id, "PhysicalResourceId": physical,
                 "ResourceType": resource.get("Type", ""), "StackResourceDriftStatus": "NOT_CHECKED",
                 "Timestamp": datetime_now()}
        if resource.get("Type") == "AWS::EC2::SecurityGroup" and physical:
            entry["StackResourceDriftStatus"] = "IN_SYNC"
            now = _rules_now(ec2, physical)
            if now is None:
                entry["StackResourceDriftStatus"] = "DELETED"
            elif physical in _DRIFT.baseline:
                differences = []
                for direction, name in (("ingress", "SecurityGroupIngress"), ("egress", "SecurityGroupEgress")):
                    if name not in (resource.get("Properties") or {}):
                        continue
                    expected, actual = _DRIFT.baseline[physical][direction], now[direction]
                    for index, rule in enumerate(actual):
                        if rule not in expected:
                            differences.append({"PropertyPath": f"/{name}/{index}", "DifferenceType": "ADD",
                                                "ExpectedValue": "null", "ActualValue": json.dumps(rule)})
                    for index, rule in enumerate(expected):
                        if rule not in actual:
                            differences.append({"PropertyPath": f"/{name}/{index}", "DifferenceType": "REMOVE",
                                                "ExpectedValue": json.dumps(rule), "ActualValue": "null"})
                if differences:
                    entry["StackResourceDriftStatus"] = "MODIFIED"
                    entry["PropertyDifferences"] = differences
        drifts.append(entry)
    return drifts


def datetime_now():
    import datetime

    return datetime.datetime.now(datetime.timezone.utc)


def _detect_stack_drift(self):
    import uuid

    from moto.core.responses import ActionResult

    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    detection = str(uuid.uuid4())
    _DRIFT.detections[detection] = {"stack": stack, "drifts": _stack_drifts(self.cloudformation_backend, stack)}
    return ActionResult({"StackDriftDetectionId": detection})


def _describe_drift_status(self):
    from moto.core.responses import ActionResult

    found = _DRIFT.detections[self._get_param("StackDriftDetectionId")]
    drifted = [d for d in found["drifts"] if d["StackResourceDriftStatus"] in ("MODIFIED", "DELETED")]
    return ActionResult({"StackId": found["stack"].stack_id, "StackDriftDetectionId":
                         self._get_param("StackDriftDetectionId"), "DetectionStatus": "DETECTION_COMPLETE",
                         "StackDriftStatus": "DRIFTED" if drifted else "IN_SYNC",
                         "DriftedStackResourceCount": len(drifted), "Timestamp": datetime_now()})


def _describe_resource_drifts(self):
    from moto.core.responses import ActionResult

    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    latest = [d for d in _DRIFT.detections.values() if d["stack"].stack_id == stack.stack_id][-1]
    wanted = self._get_param("StackResourceDriftStatusFilters") or []
    drifts = [d for d in latest["drifts"] if not wanted or d["StackResourceDriftStatus"] in wanted]
    return ActionResult({"StackResourceDrifts": drifts})


def _forgetting_baseline(original):
    """A stack operation makes the groups' current rules CloudFormation's again."""

    def execute(self, *args, **kwargs):
        _DRIFT.baseline.clear()
        return original(self, *args, **kwargs)

    return execute


def _managed_interfaces(monkeypatch) -> None:
    """NAT gateway and interface endpoint ENIs as AWS makes them (see MOTO_GAPS)."""
    from moto.ec2.models import vpcs
    from moto.ec2.models.nat_gateways import NatGateway

    original_nat = NatGateway.__init__

    def nat_init(self, *args, **kwargs):
        original_nat(self, *args, **kwargs)
        self._eni._group_set = []
        self._eni.interface_type = "nat_gateway"
        self._eni.requester_managed = True
        self._eni.description = f"Interface for NAT Gateway {self.id}"

    monkeypatch.setattr(NatGateway, "__init__", nat_init)
    original_endpoint = vpcs.VPCBackend.create_vpc_endpoint

    def create_vpc_endpoint(self, *args, **kwargs):
        endpoint = original_endpoint(self, *args, **kwargs)
        groups = [self.get_security_group_from_id(g) for g in (endpoint.security_group_ids or [])]
        for eni_id in endpoint.network_interface_ids:
            eni = self.enis[eni_id]
            eni._group_set = [g for g in groups if g is not None]
            eni.interface_type = "vpc_endpoint"
            eni.requester_managed = True
            eni.description = f"VPC Endpoint Interface {endpoint.id}"
        return endpoint

    monkeypatch.setattr(vpcs.VPCBackend, "create_vpc_endpoint", create_vpc_endpoint)


def patch_drift(monkeypatch) -> None:
    """The gaps `stackprint drift` meets (listed in MOTO_GAPS), on top of :func:`patch_moto`, with fresh state."""
    from moto.cloudformation import models as cfn_models
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.cloudtrail.responses import CloudTrailResponse
    from moto.ec2.responses.security_groups import SecurityGroups

    monkeypatch.setattr(sys.modules[__name__], "_DRIFT", _DriftState())
    _managed_interfaces(monkeypatch)
    for method, action in (("authorize_security_group_ingress", "AuthorizeSecurityGroupIngress"),
                           ("authorize_security_group_egress", "AuthorizeSecurityGroupEgress"),
                           ("modify_security_group_rules", "ModifySecurityGroupRules"),
                           ("revoke_security_group_ingress", "RevokeSecurityGroupIngress"),
                           ("revoke_security_group_egress", "RevokeSecurityGroupEgress")):
        monkeypatch.setattr(SecurityGroups, method, _recorded(action)(getattr(SecurityGroups, method)))
    monkeypatch.setattr(CloudTrailResponse, "lookup_events", _lookup_events, raising=False)
    monkeypatch.setattr(CloudFormationResponse, "detect_stack_drift", _detect_stack_drift, raising=False)
    monkeypatch.setattr(CloudFormationResponse, "describe_stack_drift_detection_status", _describe_drift_status,
                        raising=False)
    monkeypatch.setattr(CloudFormationResponse, "describe_stack_resource_drifts", _describe_resource_drifts,
                        raising=False)
    monkeypatch.setattr(cfn_models.CloudFormationBackend, "execute_change_set",
                        _forgetting_baseline(cfn_models.CloudFormationBackend.execute_change_set))
