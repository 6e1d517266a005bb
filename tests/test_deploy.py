"""Deploy every stack of every example environment into moto's CloudFormation, in stacks.json order with the
config.json parameters, and read the firewall back through the EC2 API.

The expected rules are derived here from the blueprint's own words (routes, flows, egress), not from the templates,
so a wrong rule in the emitter cannot agree with itself.
"""
from __future__ import annotations

import ast
import json
from math import gcd
from pathlib import Path

import boto3
import pytest
import yaml
from moto import mock_aws

from emulator import MOTO_GAPS, fake_credentials, patch_moto, run_default_group_function
from existing_vpc import TIER_BLOCKS, existing_network
from generator.model import load_blueprint

pytestmark = pytest.mark.slow  # see tests/conftest.py: "Suite cost"

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "out"
REGION = "us-east-1"
PLACEHOLDER = "REPLACE_WITH_ACM_CERTIFICATE_ARN"
PREFIX_LIST_PLACEHOLDER = "REPLACE_WITH_CLOUDFRONT_PREFIX_LIST_ID"
#: A listed source's prefix list given by a parameter (allow_from: [{parameter: ...}]): the fixture creates a
#: customer-managed list and supplies its id, as a pipeline would.
SOURCE_PREFIX_LIST_PLACEHOLDER = "REPLACE_WITH_PREFIX_LIST_ID"
GROUP_PLACEHOLDER = "REPLACE_WITH_SECURITY_GROUP_ID"
SSM_GROUP_TYPE = "AWS::SSM::Parameter::Value<AWS::EC2::SecurityGroup::Id>"
CLOUDFRONT_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing"
ENGINE_PORTS = {"postgres": 5432, "aurora-postgresql": 5432, "mysql": 3306, "aurora-mysql": 3306}


@pytest.fixture
def aws(monkeypatch):
    """moto in-process, with every gap of tests/emulator.py (MOTO_GAPS) patched."""
    fake_credentials(monkeypatch)
    patch_moto(monkeypatch)
    with mock_aws():
        yield


def environments() -> list[Path]:
    return sorted(p.parent for p in OUT.glob("*/*/stacks.json"))


def cloudfront_prefix_list() -> str:
    """The id of the AWS-managed CloudFront origin-facing list, looked up the way the environment README says."""
    lists = boto3.client("ec2", region_name=REGION).describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": [CLOUDFRONT_PREFIX_LIST]}])["PrefixLists"]
    return lists[0]["PrefixListId"]


def source_prefix_list() -> str:
    """The id of a partner's customer-managed prefix list (created once per moto account)."""
    ec2 = boto3.client("ec2", region_name=REGION)
    found = ec2.describe_managed_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": ["partners"]}])
    if found["PrefixLists"]:
        return found["PrefixLists"][0]["PrefixListId"]
    return ec2.create_managed_prefix_list(PrefixListName="partners", AddressFamily="IPv4", MaxEntries=10, Entries=[
        {"Cidr": "192.0.2.0/24", "Description": "partner C offices"}])["PrefixList"]["PrefixListId"]


def deploy(env_dir: Path) -> dict[str, str]:
    """Create every stack of one environment in stacks.json order; returns logical id -> physical id of the
    network stack's resources and of every security group (firewall shards, balancer stacks), and every balancer.
    An existing network is created first and its VPC id returned as ``Vpc``, like a created one's."""
    cfn = boto3.client("cloudformation", region_name=REGION)
    certificate = boto3.client("acm", region_name=REGION).request_certificate(
        DomainName="example.com")["CertificateArn"]
    substitutes = {PLACEHOLDER: certificate, PREFIX_LIST_PLACEHOLDER: cloudfront_prefix_list(),
                   SOURCE_PREFIX_LIST_PLACEHOLDER: source_prefix_list(),
                   "REPLACE_WITH_NOTIFICATION_EMAIL": "security-team@example.com"}
    existing = existing_network(env_dir, lambda name: boto3.client(name, region_name=REGION), REGION)
    by_name = existing.values if existing is not None else {}
    network_resources = {"Vpc": existing.vpc} if existing is not None else {}
    for stack in json.loads((env_dir / "stacks.json").read_text()):
        config = json.loads((env_dir / stack["config"]).read_text())
        provide_attached_groups(env_dir / stack["template"], config, network_resources)
        parameters = [{"ParameterKey": key, "ParameterValue": by_name[key] if key in by_name else network_resources.get(
            f"attached:{key}") if value == GROUP_PLACEHOLDER else substitutes.get(value, value)}
                      for key, value in sorted(config["Parameters"].items())]
        cfn.create_stack(StackName=stack["stack_name"], TemplateBody=(env_dir / stack["template"]).read_text(),
                         Parameters=parameters, Tags=[{"Key": k, "Value": v} for k, v in config["Tags"].items()])
        status = cfn.describe_stacks(StackName=stack["stack_name"])["Stacks"][0]
        assert status["StackStatus"] == "CREATE_COMPLETE", (stack["stack_name"], status.get("StackStatusReason"))
        for resource in cfn.describe_stack_resources(StackName=stack["stack_name"])["StackResources"]:
            if not stack["depends_on"] or resource.get("ResourceType") in (
                    "AWS::EC2::SecurityGroup", "AWS::ElasticLoadBalancingV2::LoadBalancer"):
                network_resources[resource.get("LogicalResourceId")] = resource.get("PhysicalResourceId")
    return network_resources


def provide_attached_groups(template_path: Path, config: dict, network_resources: dict[str, str]) -> None:
    """What the central team provides before a service stack with attached groups deploys (Firewall Manager
    replicates its common group into the VPC): a security group in the environment's VPC for each parameter that
    takes a group id (the config.json placeholder) and for each SSM parameter naming one (written to SSM, where
    CloudFormation resolves it). Recorded as ``attached:<parameter>`` -> group id."""
    from generator.load import load_text

    declared = load_text(template_path.read_text(), template_path.name, cfn=True).data.get("Parameters") or {}
    ec2, ssm = boto3.client("ec2", region_name=REGION), boto3.client("ssm", region_name=REGION)
    for name, definition in sorted(declared.items()):
        from_ssm = definition.get("Type") == SSM_GROUP_TYPE
        if not (from_ssm or config["Parameters"].get(name) == GROUP_PLACEHOLDER) or f"attached:{name}" in network_resources:
            continue
        group = ec2.create_security_group(GroupName=f"central-{name}", VpcId=network_resources["Vpc"],
                                          Description=f"managed outside stackprint ({name})")["GroupId"]
        network_resources[f"attached:{name}"] = group
        if from_ssm:
            ssm.put_parameter(Name=definition["Default"], Value=group, Type="String")


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def expected_rules(bp) -> dict[str, set]:
    """group logical id -> {(direction, protocol, from, to, peer)} as the blueprint's words imply."""
    lb = {name: f"{_pascal(name)}LoadBalancerSecurityGroup" for name in bp.load_balancers}
    svc = {name: f"{_pascal(name)}TaskSecurityGroup" for name in bp.services}
    db = {name: f"{_pascal(name)}DatabaseSecurityGroup" for name in bp.databases}
    targets = {name: f"{_pascal(name)}LoadBalancerTargetsSecurityGroup" for name in bp.load_balancers
               if any(s.route is not None and s.route.load_balancer == name for s in bp.services.values())}
    rules = {group: set() for group in [*lb.values(), *targets.values(), *svc.values(), *db.values()]}

    def allow(source: str, target: str, port: int) -> None:
        rules[source].add(("egress", "tcp", port, port, target))
        rules[target].add(("ingress", "tcp", port, port, source))

    internet_ranges = ("0.0.0.0/0", "::/0") if bp.network.ipv6 else ("0.0.0.0/0",)
    # the services' way out in IPv6 (the egress-only gateway) exists only where NAT does
    outbound_ranges = internet_ranges if bp.network.nat != "none" else ("0.0.0.0/0",)
    for name, balancer in bp.load_balancers.items():
        rules[lb[name]].add(("egress", "icmp", 252, 86, "255.255.255.255/32"))  # placeholder: nothing out
        if balancer.type == "network":
            rules[lb[name]] |= network_balancer_ingress(bp, name)
        elif isinstance(balancer.allow_from, list):  # exactly the listed sources, on every listener port
            rules[lb[name]] |= {("ingress", "tcp", port, port, _listed_peer(source))
                                for source in balancer.allow_from for port in _listener_ports(balancer)}
        elif balancer.scheme == "internet-facing" and balancer.allow_from == "cloudfront":
            rules[lb[name]].add(("ingress", "tcp", 443, 443, CLOUDFRONT_PREFIX_LIST))  # and nothing else
        elif balancer.scheme == "internet-facing":
            for internet in internet_ranges:  # ::/0 is the internet too in a dual-stack VPC
                rules[lb[name]].add(("ingress", "tcp", 80, 80, internet))
                if balancer.https is not None:
                    rules[lb[name]].add(("ingress", "tcp", 443, 443, internet))
    interface_endpoints = [name for name in bp.network.endpoints if name != "s3"]
    for group in targets.values():  # worn by the routed tasks: named by the balancer's egress, admits nothing
        rules[group].add(("egress", "icmp", 252, 86, "255.255.255.255/32"))
    if interface_endpoints:  # the endpoint clients' group, worn by every task, is the only one admitted
        rules["EndpointSecurityGroup"] = {("egress", "icmp", 252, 86, "255.255.255.255/32")}
        rules["EndpointClientSecurityGroup"] = {("egress", "icmp", 252, 86, "255.255.255.255/32")}
        allow("EndpointClientSecurityGroup", "EndpointSecurityGroup", 443)
    for name, service in bp.services.items():
        for internet in outbound_ranges:  # via NAT (and the egress-only gateway), or only S3's gateway route
            rules[svc[name]].add(("egress", "tcp", 443, 443, internet))
        for egress in service.egress:
            for cidr in outbound_ranges if str(egress.cidr) == "0.0.0.0/0" else (str(egress.cidr),):
                rules[svc[name]].add(("egress", egress.protocol, egress.port, egress.port, cidr))
        if service.route is not None:  # the balancer sends to its targets group, the task admits it on its port
            rules[lb[service.route.load_balancer]].add(
                ("egress", "tcp", service.port, service.port, targets[service.route.load_balancer]))
            rules[svc[name]].add(("ingress", "tcp", service.port, service.port, lb[service.route.load_balancer]))
        for target in service.flows:
            if target in bp.databases:  # the engine's port, whatever the template says
                allow(svc[name], db[target], ENGINE_PORTS[bp.databases[target].engine])
                continue
            route = bp.services[target].route
            if route is not None and bp.load_balancers[route.load_balancer].scheme == "internal":
                balancer = bp.load_balancers[route.load_balancer]
                port = listener_of(bp.services[target]) if balancer.type == "network" else \
                    443 if balancer.https is not None else 80
                allow(svc[name], lb[route.load_balancer], port)
            else:
                allow(svc[name], svc[target], bp.services[target].port)
    for group in db.values():
        rules[group].add(("egress", "icmp", 252, 86, "255.255.255.255/32"))  # a database sends nothing
    return rules


def listener_of(service) -> int:
    """A network balancer's listener port for a service: route.listener as written, else the container port."""
    return service.route.listener or service.port


def network_balancer_ingress(bp, name: str) -> set:
    """A network balancer admits, on each routed service's listener port, the internet (internet-facing) and the
    PrivateLink consumers' ranges (published); its callers' rules are added with the flows."""
    balancer, found = bp.load_balancers[name], set()
    ports = {listener_of(s) for s in bp.services.values() if s.route is not None and s.route.load_balancer == name}
    sources = ["0.0.0.0/0"] if balancer.scheme == "internet-facing" else []
    sources += [str(c) for c in balancer.privatelink.consumer_cidrs] if balancer.privatelink else []
    return {("ingress", "tcp", port, port, source) for port in ports for source in sources}
def _listener_ports(balancer) -> list[int]:
    """443 with HTTPS; 80 without it, or to redirect (not on an internal balancer that encrypts end to end)."""
    ports = [443] if balancer.https is not None else []
    if balancer.https is None or not (balancer.scheme == "internal" and "end_to_end_tls" not in balancer.relax):
        ports.append(80)
    return ports


def _listed_peer(source) -> str:
    """The peer a listed source's rule names once deployed: its CIDR, its prefix-list id, or the fixture's list."""
    if source.cidr is not None:
        return str(source.cidr)
    return source.prefix_list or SOURCE_PREFIX_LIST_PLACEHOLDER


def actual_rules(group: dict, names: dict[str, str]) -> tuple[set, list[str]]:
    """Rules of a described group as tuples (peer groups by logical id), and every rule's description."""
    found, descriptions = set(), []
    for direction, key in (("ingress", "IpPermissions"), ("egress", "IpPermissionsEgress")):
        for permission in group[key]:
            common = (direction, permission["IpProtocol"], permission.get("FromPort"), permission.get("ToPort"))
            for cidr in permission.get("IpRanges", []):
                found.add((*common, cidr["CidrIp"]))
                descriptions.append(cidr.get("Description", ""))
            for cidr in permission.get("Ipv6Ranges", []):
                found.add((*common, cidr["CidrIpv6"]))
                descriptions.append(cidr.get("Description", ""))
            for pair in permission.get("UserIdGroupPairs", []):
                found.add((*common, names.get(pair["GroupId"], pair["GroupId"])))
                descriptions.append(pair.get("Description", ""))
            for prefix_list in permission.get("PrefixListIds", []):  # moto keeps no description (MOTO_GAPS)
                found.add((*common, names.get(prefix_list["PrefixListId"], prefix_list["PrefixListId"])))
    return found, descriptions


@pytest.mark.parametrize("env_dir", environments(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_stack_deploys_and_the_firewall_is_exactly_the_flows(aws, env_dir, caplog):
    blueprint_name, env = env_dir.parent.name, env_dir.name
    bp = load_blueprint(str(REPO / "blueprints" / f"{blueprint_name}.yaml"))[env]
    network = deploy(env_dir)
    skipped = {r.getMessage().rsplit(" ", 1)[-1] for r in caplog.records
               if r.getMessage().startswith("No Moto CloudFormation support for ")}
    assert skipped <= set(MOTO_GAPS), f"undocumented moto gap: {sorted(skipped - set(MOTO_GAPS))}"
    assert_firewall_is_the_flows(bp, network, env_dir)


def assert_firewall_is_the_flows(bp, network: dict[str, str], env_dir: Path | None = None) -> None:
    """Every group deployed holds exactly the rules the blueprint's words imply, each described."""
    expected = expected_rules(bp)
    ids = {logical: network[logical] for logical in expected}
    names = {physical: logical for logical, physical in ids.items()}
    names[cloudfront_prefix_list()] = CLOUDFRONT_PREFIX_LIST
    names[source_prefix_list()] = SOURCE_PREFIX_LIST_PLACEHOLDER
    described = boto3.client("ec2", region_name=REGION).describe_security_groups(GroupIds=sorted(ids.values()))
    assert len(described["SecurityGroups"]) == len(expected)
    for group in described["SecurityGroups"]:
        rules, descriptions = actual_rules(group, names)
        assert rules == expected[names[group["GroupId"]]], names[group["GroupId"]]
        assert all(descriptions), f"{names[group['GroupId']]} has a rule without a description"
    if env_dir is not None:
        assert_tasks_wear_their_groups(bp, env_dir, names, network)
    (default,) = boto3.client("ec2", region_name=REGION).describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [network["Vpc"]]}, {"Name": "group-name", "Values": ["default"]}])[
        "SecurityGroups"]
    if "restrict_default_security_group" in bp.network.relax:
        assert default["IpPermissionsEgress"], "relaxed: the default group keeps its rules"
    else:
        assert (default["IpPermissions"], default["IpPermissionsEgress"]) == ([], [])


def assert_tasks_wear_their_groups(bp, env_dir: Path, names: dict[str, str], network: dict[str, str]) -> None:
    """Each ECS service's tasks wear exactly their own group, their balancer's targets group (when routed), the
    endpoint clients' group (with interface endpoints) and the groups the blueprint attaches: what makes the rules
    above exact per service. Read back through DescribeServices (moto's CloudFormation drops the network
    configuration; patched in tests/emulator.py, MOTO_GAPS), with the launch type or the Spot strategy the
    blueprint's capacity implies, and the cluster's capacity providers."""
    ecs = boto3.client("ecs", region_name=REGION)
    names = {**names, **{group: key for key, group in network.items() if key and key.startswith("attached:")}}
    arns = ecs.list_services(cluster=network["Cluster"])["serviceArns"]
    described = {s["serviceName"].split("-Service")[0]: s
                 for s in ecs.describe_services(cluster=network["Cluster"], services=arns)["services"]}
    endpoints = [name for name in bp.network.endpoints if name != "s3"]
    for name, service in bp.services.items():
        deployed = described[f"{bp.name}-{bp.env}-{name}"]
        groups = deployed["networkConfiguration"]["awsvpcConfiguration"]["securityGroups"]
        expected = [f"{_pascal(name)}TaskSecurityGroup"]
        if service.route is not None:
            expected.append(f"{_pascal(service.route.load_balancer)}LoadBalancerTargetsSecurityGroup")
        if endpoints:
            expected.append("EndpointClientSecurityGroup")
        expected += [f"attached:{group.stack_parameter}" for group in service.security_groups]
        assert sorted(names[g] for g in groups) == sorted(expected), name
        assert deployed["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] == "DISABLED", name
        capacity = service.capacity
        if capacity is None or capacity.spot == 0:
            assert deployed.get("launchType") == "FARGATE" and not deployed.get("capacityProviderStrategy"), name
            continue
        divisor = gcd(capacity.spot, 100 - capacity.spot)
        assert "launchType" not in deployed or not deployed["launchType"], name
        assert sorted((s["capacityProvider"], s.get("base", 0), s["weight"])
                      for s in deployed["capacityProviderStrategy"]) == [
            ("FARGATE", capacity.on_demand_base, (100 - capacity.spot) // divisor),
            ("FARGATE_SPOT", 0, capacity.spot // divisor)], name
    (cluster,) = ecs.describe_clusters(clusters=[network["Cluster"]])["clusters"]
    spot = any(s.capacity is not None and s.capacity.spot for s in bp.services.values())
    assert sorted(cluster.get("capacityProviders") or []) == (["FARGATE", "FARGATE_SPOT"] if spot else [])


def test_endpoints_sit_in_the_private_tier_and_private_routes_never_leave_the_vpc(aws):
    """private-endpoints (nat none): each declared endpoint exists in the VPC under its regional service name;
    interface endpoints have one ENI subnet per zone in the private tier, private DNS and only the endpoint group;
    the S3 gateway endpoint is on every private route table, which have no default route at all."""
    env_dir = OUT / "private-endpoints" / "default"
    bp = load_blueprint(str(REPO / "blueprints" / "private-endpoints.yaml"))["default"]
    assert bp.network.nat == "none"
    network = deploy(env_dir)
    ec2 = boto3.client("ec2", region_name=REGION)
    found = {e["ServiceName"]: e for e in ec2.describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [network["Vpc"]]}])["VpcEndpoints"]}
    assert sorted(found) == sorted(f"com.amazonaws.{REGION}.{name}" for name in bp.network.endpoints)
    zones = range(1, bp.network.availability_zones + 1)
    private_subnets = sorted(network[f"PrivateSubnet{zone}"] for zone in zones)
    private_tables = sorted(network[f"PrivateRouteTable{zone}"] for zone in zones)
    for service_name, endpoint in found.items():
        if service_name.endswith(".s3"):
            assert endpoint["VpcEndpointType"] == "Gateway"
            assert sorted(endpoint["RouteTableIds"]) == private_tables
        else:
            assert endpoint["VpcEndpointType"] == "Interface"
            assert sorted(endpoint["SubnetIds"]) == private_subnets
            assert endpoint["PrivateDnsEnabled"] is True
            assert [g["GroupId"] for g in endpoint["Groups"]] == [network["EndpointSecurityGroup"]]
    for table in ec2.describe_route_tables(RouteTableIds=private_tables)["RouteTables"]:
        destinations = {r.get("DestinationCidrBlock") or r.get("DestinationPrefixListId") for r in table["Routes"]}
        assert "0.0.0.0/0" not in destinations
        assert str(bp.network.cidr) in destinations


def test_services_subnets_flow_log_and_log_retention_as_the_blueprint_says(aws):
    env_dir = OUT / "web-api" / "prod"
    bp = load_blueprint(str(REPO / "blueprints" / "web-api.yaml"))["prod"]
    network = deploy(env_dir)
    ecs = boto3.client("ecs", region_name=REGION)
    arns = ecs.list_services(cluster=network["Cluster"])["serviceArns"]
    described = ecs.describe_services(cluster=network["Cluster"], services=arns)["services"]
    desired = {s["serviceName"].split("-Service")[0]: s["desiredCount"] for s in described}
    assert sorted(desired.values()) == sorted(
        svc.scaling.min if svc.scaling is not None else svc.count for svc in bp.services.values())
    ec2 = boto3.client("ec2", region_name=REGION)
    subnet_ids = sorted(physical for logical, physical in network.items()
                        if logical and logical[:-1].endswith("Subnet") and logical[-1].isdigit())
    subnets = ec2.describe_subnets(SubnetIds=subnet_ids)["Subnets"]
    assert len(subnets) == 3 * bp.network.availability_zones
    assert not any(s["MapPublicIpOnLaunch"] for s in subnets)
    flow_logs = ec2.describe_flow_logs()["FlowLogs"]
    assert [f["ResourceId"] for f in flow_logs] == [network["Vpc"]]
    groups = boto3.client("logs", region_name=REGION).describe_log_groups()["logGroups"]
    assert groups and all(g.get("retentionInDays") for g in groups)


def test_directly_called_services_are_registered_where_their_callers_look(aws):
    """two-tier: web calls backend directly, so backend registers in the namespace web's BACKEND_HOST names."""
    env_dir = OUT / "two-tier" / "default"
    bp = load_blueprint(str(REPO / "blueprints" / "two-tier.yaml"))["default"]
    network = deploy(env_dir)
    discovery = boto3.client("servicediscovery", region_name=REGION)
    namespaces = discovery.list_namespaces()["Namespaces"]
    assert [n["Name"] for n in namespaces] == [f"{bp.env}.{bp.name}.internal"]
    assert discovery.get_namespace(Id=namespaces[0]["Id"])["Namespace"]["Type"] == "DNS_PRIVATE"
    # moto's API does not return the namespace's VPC (its hosted zone has no VPC association): read its record.
    from moto.servicediscovery.models import servicediscovery_backends
    assert servicediscovery_backends["123456789012"][REGION].namespaces[namespaces[0]["Id"]].vpc == network["Vpc"]
    callers = {target for service in bp.services.values() for target in service.flows}
    registered = {s["Name"]: s for s in discovery.list_services()["Services"]}
    assert set(registered) == callers == {"backend"}
    web = yaml.load((env_dir / "two-tier-default-web.template.yaml").read_text(), Loader=yaml.BaseLoader)
    variables = {e["Name"]: e["Value"] for e in
                 web["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"][0]["Environment"]}
    assert variables["BACKEND_HOST"] == f"backend.{namespaces[0]['Name']}"
    assert variables["BACKEND_PORT"] == str(bp.services["backend"].port)


def test_the_default_group_function_is_idempotent_and_never_fails_a_delete(aws):
    """The function's code against moto: Create empties the group, a repeat (Update) still succeeds, Delete
    succeeds and changes nothing, and a group that does not exist fails Create with the reason."""
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    (default,) = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                       {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    properties = {"DefaultSecurityGroupId": default["GroupId"], "Account": "123456789012"}
    assert default["IpPermissionsEgress"], "moto creates the default allow-all egress rule"
    for request in ("Create", "Update", "Delete"):
        answer = run_default_group_function({"RequestType": request, "ResourceProperties": properties})
        assert (answer["Status"], answer["PhysicalResourceId"]) == ("SUCCESS", default["GroupId"]), request
        group = ec2.describe_security_groups(GroupIds=[default["GroupId"]])["SecurityGroups"][0]
        assert (group["IpPermissions"], group["IpPermissionsEgress"]) == ([], [])
    missing = run_default_group_function({"RequestType": "Create", "ResourceProperties": {
        "DefaultSecurityGroupId": "sg-00000000000000000", "Account": "123456789012"}})
    assert missing["Status"] == "FAILED" and missing["Reason"]
    gone = run_default_group_function({"RequestType": "Delete", "ResourceProperties": {
        "DefaultSecurityGroupId": "sg-00000000000000000", "Account": "123456789012"}})
    assert gone["Status"] == "SUCCESS"


#: The CloudFront-only variant of tests/test_variants.py, with deletion protection relaxed (moto's stack is thrown
#: away) and the strictest desync mode, so both non-default paths are read back.
EDGE = (REPO / "tests" / "blueprints" / "cloudfront-origin.yaml").read_text().replace(
    "    allow_from: cloudfront\n", "    allow_from: cloudfront\n    desync_mitigation: strictest\n"
    "    relax: {deletion_protection: \"test: the emulator's stack is thrown away\"}\n")


def test_a_cloudfront_only_origin_with_exec_and_scratch_deploys_as_written(aws, tmp_path, caplog):
    """The CloudFront prefix list (moto has the AWS-managed lists) is the only source of the balancer's group; the
    balancer attributes, the exec switch and the scratch volumes read back through the APIs."""
    from generator.compile import render
    from generator.model import load_blueprint_text
    from generator.plan import plan

    (bp,) = load_blueprint_text(EDGE, "origin.yaml").values()
    environment = render(plan(bp), "origin.yaml")
    for name, data in environment.files.items():
        (tmp_path / name).write_bytes(data)
    network = deploy(tmp_path)
    skipped = {r.getMessage().rsplit(" ", 1)[-1] for r in caplog.records
               if r.getMessage().startswith("No Moto CloudFormation support for ")}
    assert skipped <= set(MOTO_GAPS), f"undocumented moto gap: {sorted(skipped - set(MOTO_GAPS))}"
    assert_firewall_is_the_flows(bp, network, tmp_path)

    elbv2 = boto3.client("elbv2", region_name=REGION)
    attributes = {a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(
        LoadBalancerArn=network["EdgeLoadBalancer"])["Attributes"]}
    assert attributes["deletion_protection.enabled"] == "false"  # relaxed above, with its reason
    assert attributes["routing.http.desync_mitigation_mode"] == "strictest"
    listeners = elbv2.describe_listeners(LoadBalancerArn=network["EdgeLoadBalancer"])["Listeners"]
    assert [(l["Port"], l["Protocol"]) for l in listeners] == [(443, "HTTPS")]  # no port 80 at all

    ecs = boto3.client("ecs", region_name=REGION)
    (arn,) = ecs.list_task_definitions()["taskDefinitionArns"]
    task = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
    (container,) = task["containerDefinitions"]
    assert container["readonlyRootFilesystem"] is True and container["user"] == "101:101"
    assert container["linuxParameters"]["initProcessEnabled"] is True
    mounts = {m["containerPath"]: m["sourceVolume"] for m in container["mountPoints"]}
    assert sorted(mounts) == ["/tmp", "/var/cache/nginx", "/var/lib/amazon", "/var/log/amazon"]
    assert sorted(v["name"] for v in task["volumes"]) == sorted(mounts.values())
    assert all("host" not in v or not v["host"].get("sourcePath") for v in task["volumes"])  # never a host path
    # moto drops EnableExecuteCommand (MOTO_GAPS): read it in the template; the task role through IAM.
    web = yaml.load((tmp_path / "origin-default-web.template.yaml").read_text(), Loader=yaml.BaseLoader)
    assert web["Resources"]["Service"]["Properties"]["EnableExecuteCommand"] == "true"
    iam = boto3.client("iam", region_name=REGION)
    (role,) = [r["RoleName"] for r in iam.list_roles()["Roles"] if iam.list_role_policies(
        RoleName=r["RoleName"])["PolicyNames"] == ["ecs-exec"]]
    document = iam.get_role_policy(RoleName=role, PolicyName="ecs-exec")["PolicyDocument"]
    (statement,) = ast.literal_eval(document)["Statement"]  # moto returns Python repr text (MOTO_GAPS)
    assert sorted(statement["Action"]) == ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
                                           "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]
    assert statement["Resource"] == "*"


def test_a_partner_only_balancer_admits_exactly_its_listed_sources_each_described(aws):
    """partner-api: read the balancers' groups back through EC2: the partners' two CIDRs and their prefix list (the
    id the pipeline supplied) on 443 and 80 with the reasons as descriptions, the corporate range on 443 only, and no
    0.0.0.0/0 anywhere on either balancer."""
    env_dir = OUT / "partner-api" / "default"
    network = deploy(env_dir)
    ec2 = boto3.client("ec2", region_name=REGION)
    partner_list = source_prefix_list()

    def sources(group: str) -> set[tuple]:
        (found,) = ec2.describe_security_groups(GroupIds=[network[group]])["SecurityGroups"]
        return {(p["FromPort"], r.get("CidrIp") or r.get("PrefixListId"), r.get("Description", ""))
                for p in found["IpPermissions"] for r in p.get("IpRanges", []) + p.get("PrefixListIds", [])}

    # moto keeps no description on prefix-list rules (MOTO_GAPS): that one is read in the template below.
    assert sources("PartnersLoadBalancerSecurityGroup") == {
        (443, "203.0.113.0/24", "HTTPS from partner A egress proxies (203.0.113.0/24)"),
        (80, "203.0.113.0/24", "HTTP from partner A egress proxies (203.0.113.0/24), redirected to HTTPS"),
        (443, "198.51.100.16/28", "HTTPS from partner B data centre (198.51.100.16/28)"),
        (80, "198.51.100.16/28", "HTTP from partner B data centre (198.51.100.16/28), redirected to HTTPS"),
        (443, partner_list, ""), (80, partner_list, "")}
    assert sources("CorporateLoadBalancerSecurityGroup") == {
        (443, "10.200.0.0/16", "HTTPS from corporate network over Direct Connect (10.200.0.0/16)")}
    template = (env_dir / "partner-api-default-lb-partners.template.yaml").read_text()
    assert template.count("Description: HTTPS from partner C offices (prefix list from parameter PartnerPrefixList)"
                          ) == 1
    elbv2 = boto3.client("elbv2", region_name=REGION)
    schemes = {b["LoadBalancerName"]: b["Scheme"] for b in elbv2.describe_load_balancers()["LoadBalancers"]}
    assert sorted(schemes.values()) == ["internal", "internet-facing"]
    acl = boto3.client("wafv2", region_name=REGION).get_web_acl_for_resource(
        ResourceArn=network["PartnersLoadBalancer"])
    assert acl.get("WebACL"), "the partner balancer stays behind its web ACL"


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_databases_are_private_encrypted_in_isolated_subnets_as_the_blueprint_says(aws, env):
    """hardened-two-tier: read each database back through the RDS API and compare with the blueprint's words."""
    env_dir = OUT / "hardened-two-tier" / env
    bp = load_blueprint(str(REPO / "blueprints" / "hardened-two-tier.yaml"))[env]
    network = deploy(env_dir)
    rds = boto3.client("rds", region_name=REGION)
    described = {d["DBName"]: d for d in rds.describe_db_instances()["DBInstances"]}
    assert set(described) == {name.replace("-", "_") for name in bp.databases}
    isolated = sorted(physical for logical, physical in network.items()
                      if logical and logical.startswith("IsolatedSubnet") and logical[-1].isdigit())
    assert len(isolated) == bp.network.availability_zones
    secrets = boto3.client("secretsmanager", region_name=REGION)
    for name, database in bp.databases.items():
        db = described[name.replace("-", "_")]
        assert db["StorageEncrypted"] is True and db["PubliclyAccessible"] is False
        assert db["Engine"] == database.engine and db["DBInstanceClass"] == database.instance_class
        assert db["MultiAZ"] is ("multi_az" not in database.relax)
        assert db["DeletionProtection"] is ("deletion_protection" not in database.relax)
        assert db["IAMDatabaseAuthenticationEnabled"] is ("iam_authentication" not in database.relax)
        assert db["BackupRetentionPeriod"] == database.backup_retention_days
        assert sorted(s["SubnetIdentifier"] for s in db["DBSubnetGroup"]["Subnets"]) == isolated
        group = network[f"{_pascal(name)}DatabaseSecurityGroup"]
        assert [g["VpcSecurityGroupId"] for g in db["VpcSecurityGroups"]] == [group]
        secret = db["MasterUserSecret"]["SecretArn"]
        assert secrets.describe_secret(SecretId=secret)["ARN"] == secret  # RDS keeps the password, not a template
        parameter_group = db["DBParameterGroups"][0]["DBParameterGroupName"]
        parameters = {p["ParameterName"]: p.get("ParameterValue") for p in
                      rds.describe_db_parameters(DBParameterGroupName=parameter_group)["Parameters"]}
        assert parameters.get("rds.force_ssl" if "postgres" in database.engine else "require_secure_transport") == "1"
        callers = sorted(s for s, service in bp.services.items() if name in service.flows)
        app = yaml.load((env_dir / f"{bp.name}-{env}-{callers[0]}.template.yaml").read_text(), Loader=yaml.BaseLoader)
        container = app["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"][0]
        prefix = name.upper().replace("-", "_")
        assert {s["Name"] for s in container["Secrets"]} >= {f"{prefix}_USERNAME", f"{prefix}_PASSWORD"}
        assert not any(e["Name"].endswith(("_USERNAME", "_PASSWORD")) for e in container["Environment"])


@pytest.mark.parametrize("env_dir", environments(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_internet_facing_balancer_is_behind_its_web_acl_once_deployed(aws, env_dir):
    """Read back through the WAFv2 API: the balancer the internet reaches answers to a web ACL with the managed Core
    and Known bad inputs rule groups and the blueprint's rate limit, whose requests are logged; an internal balancer
    has none."""
    bp = load_blueprint(str(REPO / "blueprints" / f"{env_dir.parent.name}.yaml"))[env_dir.name]
    network = deploy(env_dir)
    waf = boto3.client("wafv2", region_name=REGION)
    for name, balancer in bp.load_balancers.items():
        arn = network[f"{_pascal(name)}LoadBalancer"]
        acl = waf.get_web_acl_for_resource(ResourceArn=arn).get("WebACL")
        if balancer.scheme == "internal" or "waf" in balancer.relax:
            assert acl is None, name
            continue
        assert acl is not None, f"{name} is internet-facing and has no web ACL"
        groups = [r["Statement"]["ManagedRuleGroupStatement"]["Name"] for r in acl["Rules"]
                  if "ManagedRuleGroupStatement" in r["Statement"]]
        assert groups == ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"]
        (rate,) = [r["Statement"]["RateBasedStatement"] for r in acl["Rules"] if "RateBasedStatement" in r["Statement"]]
        assert (rate["Limit"], rate["AggregateKeyType"]) == (balancer.waf.rate_limit, "IP")
        logging = waf.get_logging_configuration(ResourceArn=acl["ARN"])["LoggingConfiguration"]
        assert logging["LogDestinationConfigs"][0].split(":log-group:")[1].startswith("aws-waf-logs-")


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_a_backup_plan_covers_each_protected_database_once_deployed(aws, env):
    """hardened-two-tier: prod's database (deletion protection on) is in a daily plan kept its retention, into an
    encrypted vault; dev's (protection relaxed) is in none."""
    from moto.backup.models import backup_backends

    bp = load_blueprint(str(REPO / "blueprints" / "hardened-two-tier.yaml"))[env]
    deploy(OUT / "hardened-two-tier" / env)
    backup = boto3.client("backup", region_name=REGION)
    plans = {p["BackupPlanName"]: p for p in backup.list_backup_plans()["BackupPlansList"]}
    plans_moto = backup_backends["123456789012"][REGION].plans
    for name, database in bp.databases.items():
        plan_name = f"{bp.name}-{env}-data-{name}"
        if "deletion_protection" in database.relax:
            assert plan_name not in plans
            continue
        plan = backup.get_backup_plan(BackupPlanId=plans[plan_name]["BackupPlanId"])["BackupPlan"]
        (rule,) = plan["Rules"]
        assert rule["ScheduleExpression"].startswith("cron(") and rule["Lifecycle"]["DeleteAfterDays"] == \
            database.backup_retention_days
        vault = backup.describe_backup_vault(BackupVaultName=rule["TargetBackupVaultName"])
        assert vault["EncryptionKeyArn"].startswith("arn:aws:kms:")
        (selection,) = plans_moto[plans[plan_name]["BackupPlanId"]].stackprint_selections
        (resource,) = selection["Resources"]
        db = boto3.client("rds", region_name=REGION).describe_db_instances()["DBInstances"][0]
        assert resource == db["DBInstanceArn"]


def test_a_privatelink_service_deploys_as_a_user_would_check_it(aws):
    """tcp-privatelink: the balancer is a network one with its group, a TLS listener forwarding to the ledger's TCP
    target group, and the endpoint service in front of it lets exactly the named principals connect, each
    connection accepted by hand; its name is the one the stack exports."""
    env_dir = OUT / "tcp-privatelink" / "prod"
    bp = load_blueprint(str(REPO / "blueprints" / "tcp-privatelink.yaml"))["prod"]
    network = deploy(env_dir)
    elbv2, ec2 = boto3.client("elbv2", region_name=REGION), boto3.client("ec2", region_name=REGION)
    (balancer,) = elbv2.describe_load_balancers(LoadBalancerArns=[network["LedgerLoadBalancer"]])["LoadBalancers"]
    assert (balancer["Type"], balancer["Scheme"]) == ("network", "internal")
    assert balancer["SecurityGroups"] == [network["LedgerLoadBalancerSecurityGroup"]]
    attributes = {a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(
        LoadBalancerArn=balancer["LoadBalancerArn"])["Attributes"]}
    assert attributes["deletion_protection.enabled"] == "true"
    assert attributes["access_logs.s3.enabled"] == "true"
    assert attributes["load_balancing.cross_zone.enabled"] == "true"
    (listener,) = elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]
    assert (listener["Protocol"], listener["Port"], listener["SslPolicy"]) == (
        "TLS", 7443, "ELBSecurityPolicy-TLS13-1-2-2021-06")
    (target_group,) = elbv2.describe_target_groups(
        TargetGroupArns=[listener["DefaultActions"][0]["TargetGroupArn"]])["TargetGroups"]
    assert (target_group["Protocol"], target_group["Port"], target_group["TargetType"],
            target_group["HealthCheckProtocol"]) == ("TCP", bp.services["ledger"].port, "ip", "TCP")
    (service,) = ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
    assert service["NetworkLoadBalancerArns"] == [balancer["LoadBalancerArn"]]
    assert service["AcceptanceRequired"] is True
    allowed = ec2.describe_vpc_endpoint_service_permissions(ServiceId=service["ServiceId"])["AllowedPrincipals"]
    assert sorted(p["Principal"] for p in allowed) == sorted(bp.load_balancers["ledger"].privatelink.allowed_principals)
    exports = {e["Name"]: e["Value"] for e in boto3.client("cloudformation", region_name=REGION).list_exports()[
        "Exports"]}
    assert exports["tcp-privatelink-prod-lb-ledger-LedgerEndpointServiceName"] == service["ServiceName"]
    assert exports["tcp-privatelink-prod-lb-ledger-LedgerEndpointServiceId"] == service["ServiceId"]
    # moto keeps no EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic (MOTO_GAPS): read it in the template
    template = (env_dir / "tcp-privatelink-prod-lb-ledger.template.yaml").read_text()
    assert "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'on'" in template


def test_shared_and_internet_facing_network_balancers_deploy_with_exactly_the_flows(aws, tmp_path, caplog):
    """Two network balancers (tests/test_network_balancers.py's SHARED): an internal one shared by two services and
    published through PrivateLink, an internet-facing TLS one; every group holds exactly the blueprint's flows
    (listener ports per caller, consumers' ranges, the internet on the edge's listener), listeners read back."""
    from generator.compile import render
    from generator.model import load_blueprint_text
    from generator.plan import plan
    from test_network_balancers import SHARED

    (bp,) = load_blueprint_text(SHARED, "tcp.yaml").values()
    for name, data in render(plan(bp), "tcp.yaml").files.items():
        (tmp_path / name).write_bytes(data)
    network = deploy(tmp_path)
    skipped = {r.getMessage().rsplit(" ", 1)[-1] for r in caplog.records
               if r.getMessage().startswith("No Moto CloudFormation support for ")}
    assert skipped <= set(MOTO_GAPS), f"undocumented moto gap: {sorted(skipped - set(MOTO_GAPS))}"
    assert_firewall_is_the_flows(bp, network, tmp_path)
    elbv2 = boto3.client("elbv2", region_name=REGION)
    inner = elbv2.describe_listeners(LoadBalancerArn=network["InnerLoadBalancer"])["Listeners"]
    assert sorted((l["Port"], l["Protocol"]) for l in inner) == [(6379, "TCP"), (7443, "TCP")]
    (edge,) = elbv2.describe_listeners(LoadBalancerArn=network["EdgeLoadBalancer"])["Listeners"]
    assert (edge["Port"], edge["Protocol"], edge["SslPolicy"]) == (8883, "TLS", "ELBSecurityPolicy-TLS13-1-2-2021-06")
    (balancer,) = elbv2.describe_load_balancers(LoadBalancerArns=[network["EdgeLoadBalancer"]])["LoadBalancers"]
    assert (balancer["Type"], balancer["Scheme"]) == ("network", "internet-facing")
    (group,) = elbv2.describe_target_groups(TargetGroupArns=[edge["DefaultActions"][0]["TargetGroupArn"]])[
        "TargetGroups"]
    assert (group["HealthCheckProtocol"], group["HealthCheckPath"]) == ("HTTP", "/healthz")
    assert boto3.client("wafv2", region_name=REGION).list_web_acls(Scope="REGIONAL")["WebACLs"] == []


def test_sidecars_deploy_with_their_waits_shares_and_log_router(aws):
    """sidecars: read the task definition back through the ECS API and compare with the blueprint's words: the main
    container first with the task's port, each additional container with its image, share, essential flag and
    waits, the FireLens router logging to the service's log group and the others logging through it; the firewall
    (checked by the parametrized test above) opens only the main container's port."""
    from generator.model.sidecars import essential

    env_dir = OUT / "sidecars" / "default"
    bp = load_blueprint(str(REPO / "blueprints" / "sidecars.yaml"))["default"]
    deploy(env_dir)
    ecs = boto3.client("ecs", region_name=REGION)
    (arn,) = ecs.list_task_definitions()["taskDefinitionArns"]
    task = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
    (name, service), = bp.services.items()
    containers = {c["name"]: c for c in task["containerDefinitions"]}
    assert [c["name"] for c in task["containerDefinitions"]] == [name, *sorted(service.containers)]
    main = containers[name]
    assert [m["containerPort"] for m in main["portMappings"]] == [service.port]
    assert {d["containerName"]: d["condition"] for d in main["dependsOn"]} == service.depends_on
    assert main["logConfiguration"]["logDriver"] == "awsfirelens"
    (log_group,) = [r["PhysicalResourceId"] for r in boto3.client("cloudformation", region_name=REGION)
                    .describe_stack_resources(StackName=f"{bp.name}-{bp.env}-{name}")["StackResources"]
                    if r["LogicalResourceId"] == "LogGroup"]  # its KMS key: tests/test_sidecars.py (moto drops it)
    assert main["logConfiguration"]["options"]["log_group_name"] == log_group
    for cname, sidecar in service.containers.items():
        deployed = containers[cname]
        assert deployed["image"] == sidecar.image
        assert (deployed.get("cpu"), deployed.get("memory")) == (sidecar.cpu, sidecar.memory)
        assert deployed["essential"] is essential(service, cname)
        assert deployed["readonlyRootFilesystem"] is True and deployed["privileged"] is False
        assert {d["containerName"]: d["condition"] for d in deployed.get("dependsOn", [])} == sidecar.depends_on
        assert [(p["containerPort"], p["protocol"]) for p in deployed.get("portMappings", [])] == \
            [(p.port, p.protocol) for p in sidecar.ports]
        log = deployed["logConfiguration"]
        if sidecar.firelens is not None:
            assert deployed["firelensConfiguration"]["type"] == sidecar.firelens.type
            assert deployed["firelensConfiguration"].get("options", {}) == sidecar.firelens.options
            assert (log["logDriver"], log["options"]["awslogs-group"]) == ("awslogs", log_group)
        else:
            assert log["logDriver"] == ("awsfirelens" if sidecar.logging.driver == "firelens" else "awslogs")
    assert sum(c.get("cpu", 0) for c in containers.values()) < int(task["cpu"])
    assert sum(c.get("memory", 0) for c in containers.values()) < int(task["memory"])


#: What a created network has and an existing network must never get from stackprint.
NETWORK_TYPES = {"AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::RouteTable", "AWS::EC2::Route",
                 "AWS::EC2::SubnetRouteTableAssociation", "AWS::EC2::NatGateway", "AWS::EC2::EIP",
                 "AWS::EC2::InternetGateway", "AWS::EC2::VPCGatewayAttachment", "AWS::EC2::FlowLog",
                 "Custom::VpcDefaultSecurityGroupRestriction"}


def test_an_existing_network_receives_everything_and_gains_no_network_resource(aws):
    """brownfield: the team's VPC is made through the EC2 API first; after the deploy the balancer sits in its public
    subnets, the database in its isolated ones, the endpoints and the services' subnets are its private ones, every
    group is in its VPC, and no VPC, subnet, route, NAT, flow log or default-group change came from the stacks."""
    env_dir = OUT / "brownfield" / "default"
    bp = load_blueprint(str(REPO / "blueprints" / "brownfield.yaml"))["default"]
    assert not bp.network.managed
    ec2 = boto3.client("ec2", region_name=REGION)
    network = deploy(env_dir)
    vpc = network["Vpc"]
    (ours,) = [v for v in ec2.describe_vpcs()["Vpcs"] if v["VpcId"] == vpc]
    subnets = {s["SubnetId"]: s for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])[
        "Subnets"]}
    tiers = {tier: sorted(s for s, d in subnets.items() if int(d["CidrBlock"].split(".")[2]) // 10 * 10 == block)
             for tier, block in TIER_BLOCKS.items()}
    assert all(len(ids) == 2 for ids in tiers.values())
    cfn = boto3.client("cloudformation", region_name=REGION)
    created = {r.get("ResourceType") for stack in json.loads((env_dir / "stacks.json").read_text())
               for r in cfn.describe_stack_resources(StackName=stack["stack_name"])["StackResources"]}
    created |= {r["Type"] for stack in json.loads((env_dir / "stacks.json").read_text())
                for r in yaml.load((env_dir / stack["template"]).read_text(), Loader=yaml.BaseLoader)[
                    "Resources"].values()}
    assert not created & NETWORK_TYPES, sorted(created & NETWORK_TYPES)
    assert len(subnets) == 6  # the team's 3 tiers x 2 zones, nothing added
    assert [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")] == [vpc]
    (flow_log,) = ec2.describe_flow_logs()["FlowLogs"]  # the team's own, made before the deploy
    assert flow_log["LogDestinationType"] == "s3"
    assert len(ec2.describe_nat_gateways()["NatGateways"]) == 1  # the team's own, made before the deploy

    elbv2 = boto3.client("elbv2", region_name=REGION)
    (balancer,) = elbv2.describe_load_balancers()["LoadBalancers"]
    assert balancer["VpcId"] == vpc and balancer["Scheme"] == "internet-facing"
    assert sorted(z["SubnetId"] for z in balancer["AvailabilityZones"]) == tiers["public"]
    (database,) = boto3.client("rds", region_name=REGION).describe_db_instances()["DBInstances"]
    assert database["DBSubnetGroup"]["VpcId"] == vpc
    assert sorted(s["SubnetIdentifier"] for s in database["DBSubnetGroup"]["Subnets"]) == tiers["isolated"]
    endpoints = ec2.describe_vpc_endpoints()["VpcEndpoints"]
    assert sorted(e["ServiceName"] for e in endpoints) == sorted(f"com.amazonaws.{REGION}.{name}"
                                                                 for name in bp.network.endpoints)
    (private_table,) = {a["RouteTableId"] for t in ec2.describe_route_tables()["RouteTables"]
                        for a in t.get("Associations", []) if a.get("SubnetId") in tiers["private"]}
    for endpoint in endpoints:
        assert endpoint["VpcId"] == vpc
        if endpoint["VpcEndpointType"] == "Gateway":  # s3: a route in the team's private route table, given
            assert endpoint["RouteTableIds"] == [private_table]
        else:
            assert sorted(endpoint["SubnetIds"]) == tiers["private"]
    stack_groups = [g for g in ec2.describe_security_groups()["SecurityGroups"] if g["GroupName"] != "default"]
    assert stack_groups and all(g["VpcId"] == vpc for g in stack_groups)
    # moto keeps no network configuration on ECS services (MOTO_GAPS): the subnets a service template names are
    # the private ids the network stack exported, resolved through the exports CloudFormation holds.
    exports = {e["Name"]: e["Value"] for e in cfn.list_exports()["Exports"]}
    assert sorted(exports["brownfield-default-network-PrivateSubnetIds"].split(",")) == tiers["private"]
    assert exports["brownfield-default-network-VpcId"] == vpc
    for name in bp.services:
        template = yaml.load((env_dir / f"brownfield-default-{name}.template.yaml").read_text(),
                             Loader=yaml.BaseLoader)
        configuration = template["Resources"]["Service"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
        assert configuration["AssignPublicIp"] == "DISABLED"
        assert "brownfield-default-network-PrivateSubnetIds" in json.dumps(configuration["Subnets"])
    assert ours["CidrBlock"] == "10.80.0.0/16"
