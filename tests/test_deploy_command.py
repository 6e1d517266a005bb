"""`stackprint deploy`, `status` and `destroy` end to end against moto running as an HTTP server on 127.0.0.1 in
this process (tests/emulator.py: the same patched emulator as tests/test_deploy.py), through the real command line.

What a user checks: every example environment deploys in stacks.json order; a re-deploy of the same out/ changes
nothing; a changed service count is exactly one in-place Modify; status shows what is there; destroy removes it.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from emulator import REGION, moto_server
from existing_vpc import existing_network
from generator.cli import main
from generator.load import load_file

pytestmark = pytest.mark.slow  # see tests/conftest.py: "Suite cost"

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "out"
CLOUDFRONT_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing"


@pytest.fixture
def server(monkeypatch):
    with moto_server(monkeypatch) as running:
        yield running


def environments() -> list[Path]:
    return sorted(p.parent for p in OUT.glob("*/*/stacks.json"))


def placeholder_values(server, env_dir: Path, well_run: bool = True) -> list[str]:
    """--parameter NAME=VALUE for every REPLACE_WITH_ placeholder: a certificate and the managed prefix list, both
    looked up in the emulator as a user would look them up in their account, and an existing network's ids (the
    team's VPC, created first: tests/existing_vpc.py)."""
    certificate = server.client("acm").request_certificate(DomainName="example.com")["CertificateArn"]
    (prefix_list,) = server.client("ec2").describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": [CLOUDFRONT_PREFIX_LIST]}])["PrefixLists"]
    values = {"REPLACE_WITH_ACM_CERTIFICATE_ARN": certificate,
              "REPLACE_WITH_CLOUDFRONT_PREFIX_LIST_ID": prefix_list["PrefixListId"],
              "REPLACE_WITH_NOTIFICATION_EMAIL": "security-team@example.com"}
    found = {}
    if any("REPLACE_WITH_PREFIX_LIST_ID" in (env_dir / s["config"]).read_text()
           for s in json.loads((env_dir / "stacks.json").read_text())):  # a partner's list (allow_from sources)
        values["REPLACE_WITH_PREFIX_LIST_ID"] = server.client("ec2").create_managed_prefix_list(
            PrefixListName="partners", AddressFamily="IPv4", MaxEntries=10,
            Entries=[{"Cidr": "192.0.2.0/24"}])["PrefixList"]["PrefixListId"]
    for stack in json.loads((env_dir / "stacks.json").read_text()):
        for name, value in json.loads((env_dir / stack["config"]).read_text())["Parameters"].items():
            if value == "REPLACE_WITH_SECURITY_GROUP_ID":
                found[name] = central_group(server, name)
            elif value.startswith("REPLACE_WITH_") and value in values:
                found[name] = values[value]
        declared = load_file(str(env_dir / stack["template"]), cfn=True).data.get("Parameters") or {}
        for name, definition in declared.items():
            if definition.get("Type") == "AWS::SSM::Parameter::Value<AWS::EC2::SecurityGroup::Id>":
                server.client("ssm").put_parameter(Name=definition["Default"], Value=central_group(server, name),
                                                   Type="String", Overwrite=True)
    existing = existing_network(env_dir, server.client, REGION, well_run=well_run)
    if existing is not None:
        found.update(existing.values)
    return [f"--parameter={name}={value}" for name, value in sorted(found.items())]


def central_group(server, name: str) -> str:
    """A centrally managed group for an attached-group parameter. ``stackprint deploy`` creates the environment's
    VPC in the same run, so the group is made in the account's default VPC beforehand (moto does not check that an
    ECS service's groups are in its subnets' VPC: MOTO_GAPS; tests/test_deploy.py attaches one in the environment's
    own VPC, as AWS requires)."""
    ec2 = server.client("ec2")
    found = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"central-{name}"]}])
    if found["SecurityGroups"]:
        return found["SecurityGroups"][0]["GroupId"]
    (vpc,) = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    return ec2.create_security_group(GroupName=f"central-{name}", Description="managed outside stackprint",
                                     VpcId=vpc["VpcId"])["GroupId"]


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def change_lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if re.match(r"\s+[+~!\-?>] \w", line)]


@pytest.mark.parametrize("env_dir", environments(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_example_environment_deploys_then_redeploys_with_no_changes(server, env_dir):
    stacks = json.loads((env_dir / "stacks.json").read_text())
    parameters = placeholder_values(server, env_dir)
    first = run("deploy", str(env_dir), "--yes", *parameters)
    assert first.exit_code == 0, first.output
    cfn = server.client("cloudformation")
    for stack in stacks:
        (described,) = cfn.describe_stacks(StackName=stack["stack_name"])["Stacks"]
        assert described["StackStatus"] == "CREATE_COMPLETE", stack["stack_name"]
        config = json.loads((env_dir / stack["config"]).read_text())
        assert {t["Key"]: t["Value"] for t in described["Tags"]} == config["Tags"]
    order = [line.split(" (")[0] for line in first.output.splitlines() if re.match(r"\S+ \(\d+/\d+\)$", line)]
    assert order == [s["stack_name"] for s in stacks]
    assert all(line.startswith("+ Add") for line in change_lines(first.output))

    again = run("deploy", str(env_dir), "--yes", *parameters)
    assert again.exit_code == 0, again.output
    assert change_lines(again.output) == []
    assert again.output.count("  no changes") == len(stacks)


def modify_lines(output: str) -> list[str]:
    return [line for line in change_lines(output) if not line.startswith("+ Add")]


def test_a_changed_service_count_is_one_in_place_modify(server, tmp_path):
    """Rebuild web-api with dev's web count 1 -> 2: exactly one `~ Modify` of the web service, nothing replaced,
    every other stack unchanged, and ECS reports the new desired count."""
    env_dir = OUT / "web-api" / "dev"
    parameters = placeholder_values(server, env_dir)
    assert run("deploy", str(env_dir), "--yes", *parameters).exit_code == 0
    source = (REPO / "blueprints" / "web-api.yaml").read_text()
    assert "      web: {count: 1}\n" in source
    blueprint = tmp_path / "web-api.yaml"
    blueprint.write_text(source.replace("      web: {count: 1}\n", "      web: {count: 2}\n"))
    built = run("build", str(blueprint), "--env", "dev", "--out", str(tmp_path / "out"))
    assert built.exit_code == 0, built.output

    changed = run("deploy", str(tmp_path / "out" / "web-api" / "dev"), "--yes", *parameters)
    assert changed.exit_code == 0, changed.output
    assert modify_lines(changed.output) == ["~ Modify   Service  AWS::ECS::Service"]
    assert "! Replace" not in changed.output
    assert changed.output.count("  no changes") == len(json.loads((env_dir / "stacks.json").read_text())) - 1
    ecs = server.client("ecs")
    resources = server.client("cloudformation").describe_stack_resources(StackName="web-api-dev-web")
    (service,) = [r["PhysicalResourceId"] for r in resources["StackResources"] if r["LogicalResourceId"] == "Service"]
    clusters = ecs.list_clusters()["clusterArns"]
    counts = [s["desiredCount"] for c in clusters for s in ecs.describe_services(cluster=c, services=[service])[
        "services"]]
    assert counts == [2]


def test_status_before_and_after_deploy_then_destroy_removes_everything(server):
    env_dir = OUT / "web-api" / "dev"
    names = [s["stack_name"] for s in json.loads((env_dir / "stacks.json").read_text())]
    before = run("status", str(env_dir))
    assert before.exit_code == 0, before.output
    assert before.output.splitlines() == [f"{name}: not deployed" for name in names]

    assert run("deploy", str(env_dir), "--yes", *placeholder_values(server, env_dir)).exit_code == 0
    after = run("status", str(env_dir))
    assert after.exit_code == 0, after.output
    headers = [line for line in after.output.splitlines() if not line.startswith("  ")]
    assert [h.split(":")[0] for h in headers] == names
    assert all(re.fullmatch(r"\S+: CREATE_COMPLETE  updated \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", h) for h in headers)
    network = server.client("cloudformation").describe_stacks(StackName=names[0])["Stacks"][0]
    for output in network["Outputs"]:
        assert f"  {output['OutputKey']} = {output['OutputValue']}" in after.output

    gone = run("destroy", str(env_dir), "--yes")
    assert gone.exit_code == 0, gone.output
    assert f"Will delete, in this order: {', '.join(reversed(names))}" in gone.output
    assert "DeletionPolicy: Retain" in gone.output  # the log groups and flow-log bucket stay behind
    assert "blocks the delete" not in gone.output  # dev relaxes the balancers' deletion protection
    assert gone.output.count("DELETE_COMPLETE") >= len(names)
    assert run("status", str(env_dir)).output.splitlines() == [f"{name}: not deployed" for name in names]
    assert run("destroy", str(env_dir), "--yes").output.splitlines()[-1] == "nothing to delete"


def test_destroy_lists_what_blocks_and_stops_where_cloudformation_refuses(server):
    """prod keeps its balancers deletion-protected: destroy names them (from the templates) before it starts, the
    service stacks go, and the first balancer stack (reverse deploy order) ends DELETE_FAILED with its balancer's
    reason, where destroy stops: exit 1."""
    env_dir = OUT / "web-api" / "prod"
    names = [s["stack_name"] for s in json.loads((env_dir / "stacks.json").read_text())]
    assert run("deploy", str(env_dir), "--yes", *placeholder_values(server, env_dir)).exit_code == 0
    refused = run("destroy", str(env_dir))  # CliRunner's stdin is no terminal: --yes is required
    assert refused.exit_code == 2 and "pass --yes" in refused.output

    result = run("destroy", str(env_dir), "--yes")
    assert result.exit_code == 1, result.output
    before, after = result.output.split(f"{names[-1]}: deleting", 1)
    for stack, balancer in (("lb-internal", "InternalLoadBalancer"), ("lb-public", "PublicLoadBalancer")):
        assert f"web-api-prod-{stack}: {balancer} (AWS::ElasticLoadBalancingV2::LoadBalancer): blocks the delete: " \
               "deletion_protection.enabled is true" in before
    assert re.search(r"^  PublicLoadBalancer \(AWS::ElasticLoadBalancingV2::LoadBalancer\): .*deletion protection is "
                     "enabled", after, re.M), after
    assert "DELETE_FAILED: failed" in result.output
    cfn = server.client("cloudformation")
    states = {s["StackName"]: s["StackStatus"] for s in cfn.list_stacks()["StackSummaries"]
              if s["StackStatus"] != "DELETE_COMPLETE"}
    kept = names[:names.index("web-api-prod-lb-public")]  # everything deployed before it stays, untouched
    assert states == {"web-api-prod-lb-public": "DELETE_FAILED", **{name: "CREATE_COMPLETE" for name in kept}}


def test_dry_run_describes_the_first_stack_and_executes_nothing(server):
    env_dir = OUT / "web-api" / "dev"
    dry = run("deploy", str(env_dir), "--dry-run", *placeholder_values(server, env_dir))
    assert dry.exit_code == 0, dry.output
    assert change_lines(dry.output) and all(line.startswith("+ Add") for line in change_lines(dry.output))
    later = len(json.loads((env_dir / "stacks.json").read_text())) - 1
    assert dry.output.count("not described: it depends on web-api-dev-") == later
    cfn = server.client("cloudformation")
    states = {s["StackName"]: s["StackStatus"] for s in cfn.list_stacks()["StackSummaries"]}
    assert states == {"web-api-dev-network": "REVIEW_IN_PROGRESS"}  # an empty stack awaiting review, as in AWS
    assert cfn.list_change_sets(StackName="web-api-dev-network")["Summaries"] == []
    assert server.client("ec2").describe_vpcs()["Vpcs"] == [v for v in server.client("ec2").describe_vpcs()["Vpcs"]
                                                            if v["IsDefault"]]
    # A later real deploy treats the REVIEW_IN_PROGRESS stack as new.
    real = run("deploy", str(env_dir), "--yes", *placeholder_values(server, env_dir))
    assert real.exit_code == 0, real.output


def write_environment(directory: Path, stacks: dict[str, str]) -> Path:
    """A hand-made environment directory: name -> template text, in order, each with an empty config.json."""
    directory.mkdir(parents=True, exist_ok=True)
    index = []
    for name, template in stacks.items():
        (directory / f"{name}.template.yaml").write_text(template)
        (directory / f"{name}.config.json").write_text(json.dumps({"Parameters": {}, "Tags": {"team": "t"}}))
        index.append({"stack_name": name, "template": f"{name}.template.yaml", "config": f"{name}.config.json",
                      "depends_on": [n for n in stacks if n != name][:0]})
    (directory / "stacks.json").write_text(json.dumps(index))
    return directory


VPC = "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.9.0.0/16}\n"
BROKEN = ("Resources:\n  Subnet:\n    Type: AWS::EC2::Subnet\n"
          "    Properties: {VpcId: vpc-0123456789abcdef0, CidrBlock: 10.9.1.0/24}\n")


def test_a_failing_stack_stops_the_run_with_its_reasons(server, tmp_path):
    env_dir = write_environment(tmp_path / "env", {"first": VPC, "second": BROKEN, "third": VPC})
    result = run("deploy", str(env_dir), "--yes")
    assert result.exit_code == 1, result.output
    assert re.search(r"^  Subnet \(AWS::EC2::Subnet\): .*vpc-0123456789abcdef0", result.output, re.M), result.output
    assert "ROLLBACK_COMPLETE: failed" in result.output
    assert "stopped: third left alone" in result.output
    cfn = server.client("cloudformation")
    states = {s["StackName"]: s["StackStatus"] for s in cfn.list_stacks()["StackSummaries"]}
    assert states == {"first": "CREATE_COMPLETE", "second": "ROLLBACK_COMPLETE"}
    again = run("deploy", str(env_dir), "--yes")  # a failed first create can only be deleted
    assert again.exit_code == 1 and "stack is ROLLBACK_COMPLETE" in again.output


def big_template() -> str:
    """A valid template over the 51,200-byte inline limit (long but harmless metadata)."""
    return VPC + "Metadata:\n" + "".join(f"  Note{i}: '{'x' * 90}'\n" for i in range(600))


def test_a_big_template_goes_through_the_s3_bucket(server, tmp_path):
    env_dir = write_environment(tmp_path / "env", {"big": big_template()})
    assert (env_dir / "big.template.yaml").stat().st_size > 51_200
    server.client("s3").create_bucket(Bucket="cfn-templates")
    result = run("deploy", str(env_dir), "--yes", "--s3-bucket", "cfn-templates")
    assert result.exit_code == 0, result.output
    (stack,) = server.client("cloudformation").describe_stacks(StackName="big")["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    (uploaded,) = server.client("s3").list_objects_v2(Bucket="cfn-templates")["Contents"]
    assert uploaded["Key"].startswith("stackprint/big/") and uploaded["Size"] > 51_200


# ---- checks that must happen before any AWS call: no server at all, the endpoint is a closed port ----------------

@pytest.fixture
def no_aws(monkeypatch):
    """Fake credentials and an endpoint where nothing listens: any API call would fail with 'cannot reach AWS'."""
    from emulator import _free_port, fake_credentials

    fake_credentials(monkeypatch)
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_free_port()}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")


def test_an_unfilled_placeholder_names_parameter_and_stack_before_any_call(no_aws):
    result = run("deploy", str(OUT / "web-api" / "dev"), "--yes")
    assert result.exit_code == 2
    (line,) = result.output.splitlines()
    assert "web-api-dev-lb-public.config.json" in line and "parameter PublicCertificateArn of stack " \
        "web-api-dev-lb-public is still the placeholder REPLACE_WITH_ACM_CERTIFICATE_ARN" in line
    unknown = run("deploy", str(OUT / "web-api" / "dev"), "--yes", "--parameter", "Nope=1",
                  "--parameter", "PublicCertificateArn=arn:aws:acm:us-east-1:111122223333:certificate/x")
    assert unknown.exit_code == 2 and "--parameter Nope: no stack of this environment takes it" in unknown.output


def test_a_big_template_without_a_bucket_is_refused_before_any_call(no_aws, tmp_path):
    env_dir = write_environment(tmp_path / "env", {"big": big_template()})
    result = run("deploy", str(env_dir), "--yes")
    assert result.exit_code == 2
    assert "over CloudFormation's 51,200-byte inline limit (pass --s3-bucket BUCKET" in result.output


def test_without_a_terminal_deploy_needs_yes(no_aws, tmp_path):
    result = run("deploy", str(write_environment(tmp_path / "env", {"only": VPC})))
    assert result.exit_code == 2 and "pass --yes" in result.output and "Traceback" not in result.output


def test_aws_errors_are_one_line(no_aws, monkeypatch):
    unreachable = run("status", str(OUT / "two-tier" / "default"))
    assert unreachable.exit_code == 1 and len(unreachable.output.splitlines()) == 1
    assert "cannot reach AWS" in unreachable.output
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    missing = run("status", str(OUT / "two-tier" / "default"))
    assert missing.exit_code == 2 and len(missing.output.splitlines()) == 1
    assert "no AWS credentials found" in missing.output
    profile = run("status", str(OUT / "two-tier" / "default"), "--profile", "nobody")
    assert profile.exit_code == 2 and "--profile" in profile.output and "Traceback" not in profile.output


def test_access_denied_and_throttling_become_one_line_exit_1():
    from botocore.exceptions import ClientError

    from generator.deploy.aws import AwsError, translated

    for code, words in (("AccessDenied", "lack a permission"), ("Throttling", "throttled")):
        with pytest.raises(AwsError) as caught:
            with translated("web-api-dev-network"):
                raise ClientError({"Error": {"Code": code, "Message": "User: arn:aws:iam::1:user/x is not "
                                             "authorized to perform: cloudformation:CreateChangeSet"}},
                                  "CreateChangeSet")
        assert caught.value.exit_code == 1 and "\n" not in str(caught.value)
        assert str(caught.value).startswith(f"web-api-dev-network: {code}: ") and words in str(caught.value)


class Recorder:
    """A UI that answers the confirmation as told and keeps every line."""

    def __init__(self, answer: bool):
        self.answer, self.lines, self.questions = answer, [], []

    def out(self, text, kind=None):
        self.lines.append(text)

    def progress(self, text, kind=None):
        self.lines.append(text)

    def confirm(self, question):
        self.questions.append(question)
        return self.answer


def test_every_change_set_carries_capabilities_tags_and_role_and_a_no_executes_nothing(server, tmp_path):
    """The requests themselves (captured from botocore): IAM capabilities, config.json's tags and the --role-arn on
    every change set; answering "no" at the prompt deletes the change set and stops."""
    from generator.deploy.aws import Clients, Target
    from generator.deploy.environment import load_environment
    from generator.deploy.rollout import Options, deploy

    env_dir = write_environment(tmp_path / "env", {"first": VPC, "second": VPC.replace("10.9.", "10.8.")})
    environment = load_environment(str(env_dir))
    clients = Clients(Target(role_arn="arn:aws:iam::123456789012:role/cfn-deployer"))
    sent = []
    clients.cloudformation.meta.events.register(
        "provide-client-params.cloudformation.CreateChangeSet", lambda params, **_: sent.append(dict(params)))

    declined = Recorder(answer=False)
    assert deploy(environment, {"first": {}, "second": {}}, clients, Options(), declined) == 1
    assert declined.questions == ["Execute the change set of first?"]
    assert "  not executed; the stacks after first were left alone" in declined.lines
    cfn = server.client("cloudformation")
    assert cfn.list_change_sets(StackName="first")["Summaries"] == []
    assert [s["StackName"] for s in cfn.list_stacks()["StackSummaries"]] == ["first"]  # REVIEW_IN_PROGRESS only

    accepted = Recorder(answer=True)
    assert deploy(environment, {"first": {}, "second": {}}, clients, Options(), accepted) == 0
    assert accepted.questions == ["Execute the change set of first?", "Execute the change set of second?"]
    assert [p["StackName"] for p in sent] == ["first", "first", "second"]
    for params in sent:
        assert params["Capabilities"] == ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
        assert params["Tags"] == [{"Key": "team", "Value": "t"}]
        assert params["RoleARN"] == "arn:aws:iam::123456789012:role/cfn-deployer"
    assert [p["ChangeSetType"] for p in sent] == ["CREATE", "CREATE", "CREATE"]  # review-only counts as new


BROWNFIELD = OUT / "brownfield" / "default"


def _with(parameters: list[str], name: str, value: str) -> list[str]:
    return [p for p in parameters if not p.startswith(f"--parameter={name}=")] + [f"--parameter={name}={value}"]


@pytest.mark.parametrize("case", ["one-zone", "other-vpc", "two-tiers", "missing", "other-vpc-table"])
def test_ids_that_are_not_a_network_the_stacks_fit_are_refused_before_any_change_set(server, case):
    """brownfield: CloudFormation's typed parameters only check that ids exist; deploy also checks, before the
    first change set, that the subnets and route tables are in the VPC, each tier spans 2 zones and no subnet is in
    two tiers."""
    parameters = placeholder_values(server, BROWNFIELD)
    ec2 = server.client("ec2")
    given = dict(p.removeprefix("--parameter=").split("=", 1) for p in parameters)
    public = given["PublicSubnetIds"].split(",")
    if case == "one-zone":
        vpc = given["VpcId"]
        zone = ec2.describe_subnets(SubnetIds=[public[0]])["Subnets"][0]["AvailabilityZone"]
        same = ec2.create_subnet(VpcId=vpc, CidrBlock="10.80.5.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        parameters, expected = _with(parameters, "PublicSubnetIds", f"{public[0]},{same}"), (
            f"existing network: PublicSubnetIds: the public subnets span 1 availability zone(s) ({zone}); give "
            "subnets in at least 2")
    elif case == "other-vpc":
        other = ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
        stray = ec2.create_subnet(VpcId=other, CidrBlock="10.99.1.0/24", AvailabilityZone=f"{REGION}b")["Subnet"][
            "SubnetId"]
        parameters, expected = _with(parameters, "IsolatedSubnet2", stray), (
            f"existing network: IsolatedSubnet1, IsolatedSubnet2: subnet {stray} is in {other}, not in "
            f"VpcId={given['VpcId']}")
    elif case == "two-tiers":
        parameters, expected = _with(parameters, "IsolatedSubnet1", public[0]), (
            f"existing network: IsolatedSubnet1, IsolatedSubnet2: subnet {public[0]} is also one of the public "
            "subnets (each tier needs its own subnets)")
    elif case == "missing":
        parameters, expected = _with(parameters, "IsolatedSubnet1", "subnet-0000000000000000f"), (
            "existing network: InvalidSubnetID.NotFound:")
    else:
        other = ec2.create_vpc(CidrBlock="10.98.0.0/16")["Vpc"]["VpcId"]
        table = ec2.create_route_table(VpcId=other)["RouteTable"]["RouteTableId"]
        parameters, expected = _with(parameters, "PrivateRouteTableIds", table), (
            f"existing network: PrivateRouteTableIds: route table {table} is in {other}, not in "
            f"VpcId={given['VpcId']}")
    result = run("deploy", str(BROWNFIELD), "--yes", *parameters)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert f"{BROWNFIELD / 'brownfield-default-network.config.json'}:" in result.output
    assert server.client("cloudformation").describe_stacks()["Stacks"] == []  # nothing was created


def test_the_deploy_check_reads_the_groups_the_emitter_writes():
    from generator.deploy.existing_network import LABEL_PREFIX, tiers
    from generator.emit.existing_network import GROUP_LABEL
    from generator.load import load_file

    assert GROUP_LABEL.format(part="") == LABEL_PREFIX
    template = load_file(str(BROWNFIELD / "brownfield-default-network.template.yaml"), cfn=True).data
    assert tiers(template) == {"VPC": ["VpcId"], "public subnets": ["PublicSubnetIds"],
                               "private subnets": ["ExistingPrivateSubnetIds"],
                               "isolated subnets": ["IsolatedSubnet1", "IsolatedSubnet2"],
                               "private route tables": ["PrivateRouteTableIds"]}


@pytest.mark.parametrize("zones", [("a", "b"), ("a", "a")])
def test_literal_ids_deploy_and_are_checked_like_parameters(server, tmp_path, zones):
    """An existing network written with literal ids (Copilot's --import-vpc-id style): build puts the ids in
    config.json, so deploy needs no --parameter for them, and its pre-check reads them like given parameters:
    subnets in two zones deploy, subnets in one zone are refused before any change set."""
    ec2 = server.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.70.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.70.{index}.0/24", AvailabilityZone=f"{REGION}{zone}")[
        "Subnet"]["SubnetId"] for index, zone in enumerate(zones)]
    blueprint = tmp_path / "legacy.yaml"
    blueprint.write_text(f"name: legacy\nnetwork:\n  existing:\n    vpc: {vpc}\n"
                         f"    subnets: {{private: [{subnets[0]}, {subnets[1]}]}}\n"
                         "services:\n  worker: {image: public.ecr.aws/nginx/nginx:1.27, port: 8080}\n")
    built = run("build", str(blueprint), "--out", str(tmp_path / "out"))
    assert built.exit_code == 0, built.output
    env_dir = tmp_path / "out" / "legacy" / "default"
    config = json.loads((env_dir / "legacy-default-network.config.json").read_text())["Parameters"]
    assert config == {"ExistingVpcId": vpc, "ExistingPrivateSubnet1": subnets[0], "ExistingPrivateSubnet2": subnets[1]}
    result = run("deploy", str(env_dir), "--yes")
    stacks = server.client("cloudformation").describe_stacks()["Stacks"]
    if zones == ("a", "b"):
        assert result.exit_code == 0, result.output
        assert {s["StackName"] for s in stacks} >= {"legacy-default-network"}
    else:
        assert result.exit_code == 2, result.output
        assert (f"existing network: ExistingPrivateSubnet1, ExistingPrivateSubnet2: the private subnets span 1 "
                f"availability zone(s) ({REGION}a); give subnets in at least 2") in result.output
        assert stacks == []
