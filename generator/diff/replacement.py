"""Which property changes replace a resource, and which resources hold state worth a warning.

Replacement is read from the resource type's provider schema as cfn-lint ships it (``createOnlyProperties``: JSON
pointers such as ``/properties/CidrBlock`` or ``/properties/Tags/*/Key``); a change at, under or above such a
pointer makes CloudFormation create a new resource and delete the old one. Types without a schema (custom
resources, typos) are never called replaced: the diff does not guess.
"""
from __future__ import annotations

from functools import lru_cache

from generator.diff.values import Item

#: Types whose replacement or removal loses data, an address or an identity other resources and people rely on:
#: databases and their clusters, buckets, log groups, keys, secrets, queues and streams, file systems, caches,
#: load balancers (their DNS name changes), the VPC and its subnets (everything inside is rebuilt), Elastic IPs.
STATEFUL_TYPES = frozenset({
    "AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster",
    "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::CacheCluster", "AWS::EFS::FileSystem", "AWS::S3::Bucket", "AWS::Logs::LogGroup",
    "AWS::KMS::Key", "AWS::SecretsManager::Secret", "AWS::SQS::Queue", "AWS::Kinesis::Stream",
    "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer",
    "AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::EIP",
})

#: cfn-lint's schemas differ little by region for these types; one region keeps the answer deterministic.
SCHEMA_REGION = "us-east-1"


@lru_cache(maxsize=None)
def create_only(resource_type: str) -> tuple[tuple[str, ...], ...]:
    """The create-only property paths of ``resource_type`` as token tuples (``("CidrBlock",)``), or ()."""
    if not isinstance(resource_type, str) or not resource_type.startswith("AWS::"):
        return ()
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER, ResourceNotFoundError

    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(SCHEMA_REGION, resource_type).schema
    except ResourceNotFoundError:
        return ()
    paths = []
    for pointer in schema.get("createOnlyProperties", ()):
        tokens = tuple(pointer.strip("/").split("/"))
        if tokens and tokens[0] == "properties":
            paths.append(tokens[1:])
    return tuple(sorted(paths))


def _matches(pattern: tuple[str, ...], path: tuple) -> bool:
    """Whether ``path`` (property keys and list indexes) and ``pattern`` agree on their common prefix."""
    for want, have in zip(pattern, path):
        if want == "*":
            if not isinstance(have, (int, Item)):
                return False
        elif want != str(have):
            return False
    return True


def replaces(resource_type: str, path: tuple) -> bool:
    """Whether a change at ``path`` (relative to ``Properties``) replaces a resource of ``resource_type``."""
    return any(_matches(pattern, path) for pattern in create_only(resource_type))


def is_stateful(resource_type: str) -> bool:
    return resource_type in STATEFUL_TYPES
