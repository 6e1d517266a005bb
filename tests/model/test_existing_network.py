"""`network.existing` (brownfield): what it accepts, what it derives, and every wrong use refused at its position
with what would be valid — by `validate` as by `build`."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.model import load_blueprint
from generator.model.existing_network_checks import CLOUDFRONT_PREFIX_LIST_PARAMETER
from generator.plan import plan
from generator.plan.flows import CLOUDFRONT_PREFIX_LIST_PARAMETER as PLAN_PREFIX_LIST_PARAMETER

#: A valid brownfield blueprint, 16 lines: an internet-facing balancer, a service, a database.
EXISTING = """\
name: shop
network:
  existing:
    vpc: {parameter: VpcId}
    subnets:
      public: {parameter: PublicSubnetIds}
      private: {ssm: /network/private-subnet-ids}
      isolated: [{parameter: IsolatedSubnet1}, {parameter: IsolatedSubnet2}]
load_balancers:
  public: {scheme: internet-facing, https: {certificate: {parameter: CertificateArn}}}
services:
  web: {image: public.ecr.aws/nginx/nginx:1.27, port: 8080, route: {load_balancer: public}, flows: [orders]}
databases:
  orders: {engine: postgres, instance_class: db.t4g.micro, storage_gb: 20}
expect:
  web: {reachable_from: []}
"""


def _validate(path):
    return CliRunner().invoke(main, ["validate", path])


def _write(write_blueprint, old: str, new: str) -> str:
    assert old in EXISTING, old
    return write_blueprint(EXISTING.replace(old, new, 1))


def test_the_example_plans_typed_parameters_in_fixed_order(write_blueprint):
    (bp,) = load_blueprint(write_blueprint(EXISTING)).values()
    assert not bp.network.managed and bp.network.cidr is None
    layout = plan(bp)
    assert layout.subnets == () and layout.network.cidr is None and layout.network.nat == "existing"
    assert [(p.name, p.type, p.ssm) for p in layout.network.existing] == [
        ("VpcId", "AWS::EC2::VPC::Id", None),
        ("PublicSubnetIds", "List<AWS::EC2::Subnet::Id>", None),
        ("ExistingPrivateSubnetIds", "AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>",
         "/network/private-subnet-ids"),
        ("IsolatedSubnet1", "AWS::EC2::Subnet::Id", None),
        ("IsolatedSubnet2", "AWS::EC2::Subnet::Id", None)]
    assert layout.network.vpc_parameter == "VpcId"


def test_an_ssm_vpc_gets_a_derived_parameter_name(write_blueprint):
    (bp,) = load_blueprint(_write(write_blueprint, "vpc: {parameter: VpcId}", "vpc: {ssm: /network/vpc-id}")).values()
    (vpc,) = [p for p in plan(bp).network.existing if p.tier is None]
    assert (vpc.name, vpc.type, vpc.ssm) == ("ExistingVpcId", "AWS::SSM::Parameter::Value<AWS::EC2::VPC::Id>",
                                             "/network/vpc-id")


def test_ipv6_false_beside_an_existing_network_says_nothing_wrong(write_blueprint):
    (bp,) = load_blueprint(_write(write_blueprint, "network:\n", "network:\n  ipv6: false\n")).values()
    assert not bp.network.managed


def test_an_overlay_may_switch_one_environment_to_an_existing_vpc(write_blueprint):
    path = write_blueprint("""
        name: shop
        network: {cidr: 10.20.0.0/16}
        services:
          web: {image: public.ecr.aws/nginx/nginx:1.27}
        environments:
          dev: {}
          prod:
            network:
              cidr: null
              existing: {vpc: {parameter: VpcId}, subnets: {private: {parameter: PrivateSubnetIds}}}
        """)
    envs = load_blueprint(path)
    assert envs["dev"].network.managed and not envs["prod"].network.managed


def test_the_cloudfront_parameter_name_is_the_balancer_stacks_one():
    assert CLOUDFRONT_PREFIX_LIST_PARAMETER == PLAN_PREFIX_LIST_PARAMETER


V = "network.existing"


@pytest.mark.parametrize("old, new, expected", [
    ("network:\n", "network:\n  cidr: 10.0.0.0/16\n",
     f"3:3: network.cidr: cidr describes a VPC stackprint creates; with {V} the VPC and its subnets, routes and NAT "
     "are yours (remove it)"),
    ("network:\n", "network:\n  ipv6: true\n",
     f"3:3: network.ipv6: ipv6 describes a VPC stackprint creates; with {V} the VPC and its subnets, routes and NAT "
     "are yours (remove it)"),
    ("network:\n", "network:\n  nat: single\n",
     f"3:3: network.nat: nat describes a VPC stackprint creates; with {V} the VPC and its subnets, routes and NAT "
     "are yours (remove it)"),
    ("network:\n", "network:\n  availability_zones: 3\n",
     f"3:3: network.availability_zones: availability_zones describes a VPC stackprint creates; with {V} the VPC and "
     "its subnets, routes and NAT are yours (remove it)"),
    ("network:\n", "network:\n  subnets: {private: {prefix: 20}}\n",
     f"3:3: network.subnets: subnets describes a VPC stackprint creates; with {V} the VPC and its subnets, routes "
     "and NAT are yours (remove it)"),
    ("network:\n", "network:\n  relax: {restrict_default_security_group: the platform team restricts it}\n",
     "3:11: network.relax.restrict_default_security_group: the default group of an existing VPC is not managed "
     "here, so there is nothing to relax (the environment README lists how to check it; remove it)"),
    ("network:\n", "network:\n  endpoints: [logs, s3]\n",
     "3:21: network.endpoints[1]: the s3 gateway endpoint is a route in the private route tables, which stackprint "
     "does not know in an existing network (add existing: {route_tables: {private: {parameter: "
     "PrivateRouteTableIds}}}, or remove it; interface endpoints need only the VPC and subnets)"),
    ("    vpc: {parameter: VpcId}\n", "    vpc: {parameter: VpcId}\n    route_tables: {private: {parameter: Rt}}\n",
     f"5:5: {V}.route_tables: only the s3 gateway endpoint uses route tables (add s3 to network.endpoints, or "
     "remove route_tables)"),
    ("    vpc: {parameter: VpcId}\n", "    vpc: {parameter: VpcId}\n    route_tables: {private: []}\n",
     f"5:29: {V}.route_tables.private: list at least one route table (or one list parameter: {{parameter: "
     "PrivateRouteTableIds})"),
    ("vpc: {parameter: VpcId}", "vpc: {paramter: VpcId}",
     f"4:11: {V}.vpc.paramter: unknown key (did you mean 'parameter'?)"),
    ("vpc: {parameter: VpcId}", "vpc: {parameter: VpcId, ssm: /network/vpc-id}",
     f"4:10: {V}.vpc: set exactly one of 'parameter' or 'ssm' (e.g. {{parameter: VpcId}} or "
     "{ssm: /network/vpc-id})"),
    ("vpc: {parameter: VpcId}", "vpc: {parameter: vpc-id}",
     f"4:22: {V}.vpc.parameter: 'vpc-id' is not a CloudFormation parameter name (letters and digits, e.g. "
     "PrivateSubnetIds)"),
    ("{ssm: /network/private-subnet-ids}", "{ssm: 'private subnets'}",
     f"7:22: {V}.subnets.private.ssm: 'private subnets' is not an SSM parameter name (letters, digits and _ . - /, "
     "e.g. /network/private-subnet-ids)"),
    ("isolated: [{parameter: IsolatedSubnet1}, {parameter: IsolatedSubnet2}]", "isolated: [{parameter: IsolatedSubnet1}]",
     f"8:17: {V}.subnets.isolated: list at least 2 subnets, one per availability zone (or one list parameter: "
     "{parameter: PrivateSubnetIds})"),
    ("{parameter: IsolatedSubnet2}", "{parameter: IsolatedSubnet1}",
     f"8:17: {V}.subnets.isolated: subnet 2 repeats subnet 1 (each subnet once)"),
    ("{parameter: IsolatedSubnet2}", "{parametr: IsolatedSubnet2}",
     f"8:49: {V}.subnets.isolated[1].parametr: unknown key (did you mean 'parameter'?)"),
    ("public: {parameter: PublicSubnetIds}", "public: subnet-0123456789abcdef0",
     f"6:15: {V}.subnets.public: a literal id names one subnet; list one per availability zone, at least 2 (e.g. "
     "[subnet-0123456789abcdef0, subnet-0fedcba9876543210])"),
    ("      public: {parameter: PublicSubnetIds}\n", "",
     f"5:5: {V}.subnets: internet-facing load balancer 'public' needs public subnets (add public: {{parameter: "
     "PublicSubnetIds}: subnets routed to an internet gateway)"),
    ("      isolated: [{parameter: IsolatedSubnet1}, {parameter: IsolatedSubnet2}]\n", "",
     f"5:5: {V}.subnets: database 'orders' needs isolated subnets (add isolated: {{parameter: IsolatedSubnetIds}}: "
     "subnets without a route out of the VPC)"),
    ("      private: {ssm: /network/private-subnet-ids}\n", "",
     f"5:5: {V}.subnets: missing required key 'private'"),
    ("    vpc: {parameter: VpcId}\n", "", f"3:3: {V}: missing required key 'vpc'"),
    ("{parameter: PublicSubnetIds}", "{parameter: CertificateArn}",
     f"6:15: {V}.subnets.public: parameter CertificateArn is also the certificate of load balancer public; "
     "--parameter CertificateArn=... would set both (choose another name)"),
    ("{parameter: IsolatedSubnet2}", "{parameter: VpcId}",
     f"8:48: {V}.subnets.isolated[1]: parameter VpcId is also network.existing.vpc (each id needs its own "
     "parameter)"),
])
def test_a_wrong_use_is_refused_at_its_position(write_blueprint, old, new, expected):
    path = _write(write_blueprint, old, new)
    result = _validate(path)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == f"{path}:{expected}".splitlines()


def test_an_unused_public_tier_is_refused(write_blueprint):
    path = write_blueprint(EXISTING.replace("scheme: internet-facing", "scheme: internal")
                           .replace("flows: [orders]", "flows: [orders]}\n  caller: {image: public.ecr.aws/nginx/"
                                                       "nginx:1.27, flows: [web]"))
    result = _validate(path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}:6:7: {V}.subnets.public: no internet-facing load balancer sits in the public subnets (remove "
        "public; tasks and internal balancers use private)"]


def test_an_unused_isolated_tier_is_refused(write_blueprint):
    text = EXISTING.replace("databases:\n  orders: {engine: postgres, instance_class: db.t4g.micro, storage_gb: 20}\n",
                            "").replace(", flows: [orders]", "")
    result = _validate(write_blueprint(text))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"blueprints/shop.yaml:8:7: {V}.subnets.isolated: no database sits in the isolated subnets (remove "
        "isolated; they are for databases only)"]


def test_neither_cidr_nor_existing_says_both_ways(write_blueprint):
    path = write_blueprint("""
        name: shop
        network: {endpoints: [logs]}
        services:
          web: {image: public.ecr.aws/nginx/nginx:1.27}
        """)
    result = _validate(path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}:2:1: network: missing required key 'cidr' (a VPC stackprint creates, e.g. cidr: 10.20.0.0/16) or "
        "'existing' (a VPC you have: existing: {vpc: {parameter: VpcId}, subnets: {private: {parameter: "
        "PrivateSubnetIds}}})"]


NETWORK_TYPES = ("AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::RouteTable", "AWS::EC2::Route",
                 "AWS::EC2::SubnetRouteTableAssociation", "AWS::EC2::NatGateway", "AWS::EC2::EIP",
                 "AWS::EC2::InternetGateway", "AWS::EC2::VPCGatewayAttachment", "AWS::EC2::FlowLog",
                 "Custom::VpcDefaultSecurityGroupRestriction")


def _rendered(write_blueprint, text=EXISTING):
    from generator.compile import render
    from generator.load import load_text

    (bp,) = load_blueprint(write_blueprint(text)).values()
    environment = render(plan(bp), "blueprints/shop.yaml")
    templates = {name: load_text(data.decode(), name, cfn=True).data for name, data in environment.files.items()
                 if name.endswith(".template.yaml")}
    return environment, templates


def test_no_network_resource_is_emitted_and_the_ids_are_typed_parameters_exported_as_usual(write_blueprint):
    environment, templates = _rendered(write_blueprint)
    types = {r["Type"] for t in templates.values() for r in t["Resources"].values()}
    assert not types & set(NETWORK_TYPES)
    network = templates["shop-default-network.template.yaml"]
    assert {name: p["Type"] for name, p in network["Parameters"].items()} == {
        "VpcId": "AWS::EC2::VPC::Id", "PublicSubnetIds": "List<AWS::EC2::Subnet::Id>",
        "ExistingPrivateSubnetIds": "AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>",
        "IsolatedSubnet1": "AWS::EC2::Subnet::Id", "IsolatedSubnet2": "AWS::EC2::Subnet::Id"}
    assert network["Parameters"]["ExistingPrivateSubnetIds"]["Default"] == "/network/private-subnet-ids"
    assert network["Outputs"]["VpcId"]["Value"] == {"Ref": "VpcId"}
    assert network["Outputs"]["PrivateSubnetIds"]["Value"] == {"Fn::Join": [",", {"Ref": "ExistingPrivateSubnetIds"}]}
    assert network["Outputs"]["IsolatedSubnetIds"]["Value"] == {
        "Fn::Join": [",", [{"Ref": "IsolatedSubnet1"}, {"Ref": "IsolatedSubnet2"}]]}
    import json
    config = json.loads(environment.files["shop-default-network.config.json"])
    assert config["Parameters"] == {"VpcId": "REPLACE_WITH_VPC_ID", "PublicSubnetIds": "REPLACE_WITH_PUBLIC_SUBNET_IDS",
                                    "ExistingPrivateSubnetIds": "/network/private-subnet-ids",
                                    "IsolatedSubnet1": "REPLACE_WITH_ISOLATED_SUBNET_1_ID",
                                    "IsolatedSubnet2": "REPLACE_WITH_ISOLATED_SUBNET_2_ID"}


def test_the_readme_lists_what_is_not_managed_here_with_the_commands(write_blueprint):
    environment, _ = _rendered(write_blueprint)
    readme = environment.files["README.md"].decode()
    network = readme[readme.index("## Network"):readme.index("## Flow matrix")]
    assert "VPC `None`" not in network and "| Subnet | Tier | Zone | CIDR |" not in network
    assert "| isolated | stack parameter `IsolatedSubnet1`, stack parameter `IsolatedSubnet2` | databases |" in network
    assert "SSM parameter `/network/private-subnet-ids` (stack parameter `ExistingPrivateSubnetIds`)" in network
    checks = network[network.index("### Not managed here"):]
    for command in ("aws ec2 describe-flow-logs --filter Name=resource-id,Values=<vpc-id>",
                    "aws ec2 describe-security-groups --filters Name=vpc-id,Values=<vpc-id> Name=group-name,"
                    "Values=default", "aws ec2 describe-subnets --subnet-ids <subnet-ids>",
                    "aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=<subnet-id>"):
        assert command in checks, command
    assert "isolated subnets: no 0.0.0.0/0 route at all" in checks


def test_interface_endpoints_land_in_the_given_vpc_and_private_subnets(write_blueprint):
    text = EXISTING.replace("network:\n", "network:\n  endpoints: [ecr.api, logs]\n", 1)
    _, templates = _rendered(write_blueprint, text)
    resources = templates["shop-default-network.template.yaml"]["Resources"]
    for name in ("EcrApiEndpoint", "LogsEndpoint"):
        assert resources[name]["Properties"]["VpcId"] == {"Ref": "VpcId"}
        assert resources[name]["Properties"]["SubnetIds"] == {"Ref": "ExistingPrivateSubnetIds"}
    assert resources["EndpointSecurityGroup"]["Properties"]["VpcId"] == {"Ref": "VpcId"}


def test_the_s3_gateway_endpoint_goes_in_the_route_tables_given(write_blueprint):
    text = EXISTING.replace("network:\n", "network:\n  endpoints: [s3]\n", 1).replace(
        "    vpc: {parameter: VpcId}\n", "    vpc: {parameter: VpcId}\n    route_tables: {private: [{parameter: Rt1}, "
        "{ssm: /network/rt-2}]}\n", 1)
    environment, templates = _rendered(write_blueprint, text)
    network = templates["shop-default-network.template.yaml"]
    endpoint = network["Resources"]["S3Endpoint"]["Properties"]
    assert endpoint["VpcId"] == {"Ref": "VpcId"}
    assert endpoint["RouteTableIds"] == [{"Ref": "Rt1"}, {"Ref": "ExistingPrivateRouteTable2"}]
    assert network["Parameters"]["Rt1"]["Type"] == "String"
    assert network["Parameters"]["Rt1"]["AllowedPattern"] == "^rtb-[0-9a-f]{8,17}$"
    assert network["Parameters"]["ExistingPrivateRouteTable2"] == {
        "Type": "AWS::SSM::Parameter::Value<String>", "Default": "/network/rt-2",
        "Description": "Id of route table 2 of the private subnets (the s3 gateway endpoint's route goes there) "
                       "(read from SSM parameter /network/rt-2)"}
    groups = network["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]
    assert groups[-1] == {"Label": {"default": "Existing network: private route tables"},
                          "Parameters": ["Rt1", "ExistingPrivateRouteTable2"]}


VPC_ID, SUBNET_A, SUBNET_B = "vpc-0123456789abcdef0", "subnet-0123456789abcdef0", "subnet-0fedcba9876543210"


@pytest.mark.parametrize("old, new, expected", [
    ("vpc: {parameter: VpcId}", "vpc: vpc-12",
     f"4:10: {V}.vpc: 'vpc-12' is not a VPC id (vpc- and 8 or 17 lowercase hex digits, e.g. vpc-0123456789abcdef0)"),
    ("vpc: {parameter: VpcId}", f"vpc: {SUBNET_A}",
     f"4:10: {V}.vpc: '{SUBNET_A}' is a subnet id, not a VPC id (e.g. vpc-0123456789abcdef0)"),
    ("isolated: [{parameter: IsolatedSubnet1}, {parameter: IsolatedSubnet2}]", f"isolated: [{SUBNET_A}, {VPC_ID}]",
     f"8:44: {V}.subnets.isolated[1]: '{VPC_ID}' is a VPC id, not a subnet id (e.g. subnet-0123456789abcdef0)"),
    ("isolated: [{parameter: IsolatedSubnet1}, {parameter: IsolatedSubnet2}]", f"isolated: [{SUBNET_A}, {SUBNET_A}]",
     f"8:17: {V}.subnets.isolated: subnet 2 repeats subnet 1 (each subnet once)"),
    ("isolated: [{parameter: IsolatedSubnet1}, {parameter: IsolatedSubnet2}]", f"isolated: {SUBNET_A}",
     f"8:17: {V}.subnets.isolated: a literal id names one subnet; list one per availability zone, at least 2 "
     "(e.g. [subnet-0123456789abcdef0, subnet-0fedcba9876543210])"),
    ("public: {parameter: PublicSubnetIds}", "public: [Subnet-0123456789ABCDEF0, subnet-0fedcba9876543210]",
     f"6:16: {V}.subnets.public[0]: 'Subnet-0123456789ABCDEF0' is not a subnet id (subnet- and 8 or 17 lowercase "
     "hex digits, e.g. subnet-0123456789abcdef0)"),
])
def test_a_malformed_literal_id_is_refused_at_its_position(write_blueprint, old, new, expected):
    result = _validate(_write(write_blueprint, old, new))
    assert result.exit_code == 2, result.output
    assert result.output.strip().endswith(expected), result.output


LITERAL = (EXISTING.replace("vpc: {parameter: VpcId}", f"vpc: {VPC_ID}")
           .replace("{parameter: IsolatedSubnet1}, {parameter: IsolatedSubnet2}", f"{SUBNET_A}, {SUBNET_B}"))


def test_literal_ids_become_typed_parameters_defaulting_to_them(write_blueprint):
    import json
    environment, templates = _rendered(write_blueprint, LITERAL)
    network = templates["shop-default-network.template.yaml"]["Parameters"]
    assert network["ExistingVpcId"] == {"Type": "AWS::EC2::VPC::Id", "Default": VPC_ID,
                                        "Description": "Id of the existing VPC the environment deploys into"}
    assert [(network[n]["Type"], network[n]["Default"]) for n in ("ExistingIsolatedSubnet1", "ExistingIsolatedSubnet2")
            ] == [("AWS::EC2::Subnet::Id", SUBNET_A), ("AWS::EC2::Subnet::Id", SUBNET_B)]
    config = json.loads(environment.files["shop-default-network.config.json"])["Parameters"]
    assert (config["ExistingVpcId"], config["ExistingIsolatedSubnet1"], config["ExistingIsolatedSubnet2"]) == (
        VPC_ID, SUBNET_A, SUBNET_B)
    assert not any(str(v).startswith("REPLACE_WITH_") for k, v in config.items() if k.startswith("Existing"))


def test_a_literal_route_table_and_a_mixed_tier_each_get_their_own_parameter(write_blueprint):
    text = (LITERAL.replace("    subnets:\n", "    route_tables: {private: rtb-0123456789abcdef0}\n    subnets:\n", 1)
            .replace(f"{SUBNET_A}, {SUBNET_B}", f"{SUBNET_A}, {{parameter: IsolatedB}}")
            .replace("network:\n", "network:\n  endpoints: [s3]\n", 1))
    environment, templates = _rendered(write_blueprint, text)
    network = templates["shop-default-network.template.yaml"]["Parameters"]
    assert network["ExistingPrivateRouteTable1"]["Default"] == "rtb-0123456789abcdef0"
    assert network["ExistingPrivateRouteTable1"]["AllowedPattern"] == "^rtb-[0-9a-f]{8,17}$"
    assert (network["ExistingIsolatedSubnet1"]["Default"], "Default" in network["IsolatedB"]) == (SUBNET_A, False)


def test_a_subnet_id_among_route_tables_is_refused(write_blueprint):
    text = LITERAL.replace("    subnets:\n", f"    route_tables: {{private: [{SUBNET_A}]}}\n    subnets:\n", 1)
    result = _validate(write_blueprint(text))
    assert result.exit_code == 2
    assert result.output.strip().endswith(
        f"5:30: {V}.route_tables.private[0]: '{SUBNET_A}' is a subnet id, not a route table id (e.g. "
        "rtb-0123456789abcdef0)"), result.output
