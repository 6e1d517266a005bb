"""The layout the committed templates declare, as deployed: every security group of every stack with the rules it
must have, the VPCs, and which VPC default groups the templates keep closed.

Nothing here assumes which stack holds what. Groups and rules are read from every template of ``stacks.json``:
``AWS::EC2::SecurityGroup`` with its inline rules and the standalone ``AWS::EC2::SecurityGroupIngress``/``Egress``
resources, their ``GroupId`` and peers followed through ``Ref``, ``Fn::GetAtt`` and ``Fn::ImportValue`` across the
stacks by the reach evaluator (:mod:`generator.reach`). Parameters are read at the values the stacks were deployed
with, and each group or peer becomes the physical id CloudFormation reports for it, so the rules can be compared
with EC2's word for word.
"""
from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field

from generator.drift.rules import UNKNOWN, RuleShape, cidr, protocol_name
from generator.load import load_file
from generator.reach import Evaluator, Res, Stack, Unknown, group_key

SECURITY_GROUP = "AWS::EC2::SecurityGroup"
ECS_SERVICE = "AWS::ECS::Service"
VPC = "AWS::EC2::VPC"
_INLINE = (("ingress", "SecurityGroupIngress"), ("egress", "SecurityGroupEgress"))
_ALL_EGRESS = RuleShape("egress", "-1", -1, -1, "cidr", "0.0.0.0/0")
#: EC2 adds this one too when the group's VPC has an IPv6 block: accepted when present, never missing.
_ALL_EGRESS_V6 = RuleShape("egress", "-1", -1, -1, "cidr", "::/0")


@dataclass(frozen=True)
class Place:
    """Where something is declared: stack, logical id, template file and line."""

    stack: str
    logical_id: str
    file: str
    line: int

    @property
    def name(self) -> str:
        return f"{self.stack}/{self.logical_id}"


@dataclass(frozen=True)
class ExpectedRule:
    shape: RuleShape
    place: Place          # the resource that declares it: the group (inline) or the standalone rule
    description: str = ""
    optional: bool = False  # a rule EC2 may add on its own: accepted when present, never reported missing


@dataclass
class Group:
    """One security group of the layout, by its physical id."""

    group_id: str
    place: Place
    rules: list[ExpectedRule] = field(default_factory=list)
    unknown_directions: set[str] = field(default_factory=set)  # inline rules known only at deploy time


@dataclass
class Layout:
    groups: dict[str, Group] = field(default_factory=dict)          # group id -> group
    vpcs: dict[str, Place] = field(default_factory=dict)            # vpc id -> the template's VPC
    closed_default_groups: dict[str, Place] = field(default_factory=dict)  # vpc id -> the restriction resource
    notes: list[str] = field(default_factory=list)
    resources: dict[tuple[str, str], Place] = field(default_factory=dict)  # every resource of every template
    #: Groups made outside the templates that an ECS service of the templates attaches to its tasks (a parameter
    #: or a literal id: a blueprint's ``security_groups``): declared, so not drift on an interface; their rules are
    #: managed elsewhere and not compared. group id -> the service that attaches it.
    attached: dict[str, Place] = field(default_factory=dict)

    def place(self, stack: str, logical_id: str) -> Place | None:
        """Where a resource of the templates is declared (None for one they do not have)."""
        return self.resources.get((stack, logical_id))

    def name_of(self, group_id: str) -> str:
        """``stack/LogicalId`` for a group of the layout, the id itself for any other."""
        group = self.groups.get(group_id)
        return f"{group.place.name} ({group_id})" if group else group_id


class Deployment:
    """What CloudFormation says about the deployed stacks, as the layout needs it (filled by :mod:`.aws`)."""

    def __init__(self, parameters: dict[str, dict[str, str]], resources: dict[str, dict[str, str]],
                 vpc_cidr=lambda vpc_id: None):
        self.parameters = parameters      # stack -> parameter -> deployed value
        self.resources = resources        # stack -> logical id -> physical id
        self.vpc_cidr = vpc_cidr          # vpc id -> its primary CIDR (read on demand)

    def physical(self, key: tuple[str, str]) -> str | None:
        return self.resources.get(key[0], {}).get(key[1])


def _as_deployed(doc, parameters: dict[str, str]):
    """The template with each parameter's Default replaced by its deployed value (what the evaluator reads)."""
    data = copy.deepcopy(doc.data)
    declared = data.get("Parameters") if isinstance(data, dict) else None
    if isinstance(declared, dict):
        for name, value in parameters.items():
            if isinstance(declared.get(name), dict):
                declared[name]["Default"] = value
    return dataclasses.replace(doc, data=data)


def read_stacks(environment, deployment: Deployment) -> tuple[list[Stack], dict[str, object]]:
    """The environment's templates as reach stacks under their stack names, parameters at deployed values."""
    stacks, docs = [], {}
    for stack in environment.stacks:
        doc = load_file(stack.template_path, cfn=True)
        docs[stack.name] = doc
        stacks.append(Stack(stack.name, _as_deployed(doc, deployment.parameters.get(stack.name, {}))))
    return stacks, docs


class _Reader:
    def __init__(self, evaluator: Evaluator, docs: dict, deployment: Deployment, layout: Layout):
        self.evaluator, self.docs, self.deployment, self.layout = evaluator, docs, deployment, layout
        self.group_ids: dict[tuple, str] = {}

    def place(self, key: tuple[str, str]) -> Place:
        doc = self.docs[key[0]]
        return Place(key[0], key[1], doc.path, doc.position(("Resources", key[1]), key=True).line)

    # --- values ------------------------------------------------------------------------------------------------

    def text(self, stack: str, value):
        found = self.evaluator.eval(stack, value)
        if isinstance(found, bool):
            return UNKNOWN
        if isinstance(found, (int, float)):
            return str(int(found))
        return found if isinstance(found, str) else UNKNOWN

    def port(self, stack: str, value):
        found = self.text(stack, value)
        try:
            return int(found)
        except ValueError:
            return UNKNOWN

    def group_peer(self, stack: str, value):
        key = group_key(self.evaluator, stack, value)
        if isinstance(key, Unknown):
            return UNKNOWN
        if key[0] == "":
            return key[1]
        return self.group_ids.get(key, UNKNOWN)

    def cidr_peer(self, stack: str, value):
        found = self.evaluator.eval(stack, value)
        if isinstance(found, Res) and self.evaluator.type_of(found.key) == VPC and found.attribute == "CidrBlock":
            vpc_id = self.deployment.physical(found.key)
            found = self.deployment.vpc_cidr(vpc_id) if vpc_id else None
        if not isinstance(found, str):
            return UNKNOWN
        try:
            return cidr(found)
        except ValueError:
            return UNKNOWN

    def shape(self, stack: str, direction: str, props: dict) -> RuleShape:
        protocol = self.text(stack, props.get("IpProtocol"))
        protocol = protocol_name(protocol) if protocol != UNKNOWN else UNKNOWN
        if protocol == "-1":
            low = high = -1
        else:
            low, high = self.port(stack, props.get("FromPort", -1)), self.port(stack, props.get("ToPort", -1))
        group_field = "SourceSecurityGroupId" if direction == "ingress" else "DestinationSecurityGroupId"
        list_field = "SourcePrefixListId" if direction == "ingress" else "DestinationPrefixListId"
        if "CidrIp" in props or "CidrIpv6" in props:
            kind, peer = "cidr", self.cidr_peer(stack, props.get("CidrIp", props.get("CidrIpv6")))
        elif group_field in props:
            kind, peer = "group", self.group_peer(stack, props[group_field])
        elif list_field in props:
            kind, peer = "prefix-list", self.text(stack, props[list_field])
        else:
            kind, peer = UNKNOWN, UNKNOWN
        return RuleShape(direction, protocol, low, high, kind, peer)

    # --- groups and rules --------------------------------------------------------------------------------------

    def groups(self) -> None:
        for key in self.evaluator.of_type(SECURITY_GROUP):
            group_id = self.deployment.physical(key)
            if not group_id:
                self.layout.notes.append(f"{key[0]}/{key[1]}: security group not in the deployed stack "
                                         "(a condition left it out, or the stack runs an older template): not checked")
                continue
            self.group_ids[key] = group_id
            self.layout.groups[group_id] = Group(group_id, self.place(key))

    def inline_rules(self) -> None:
        for key, group_id in sorted(self.group_ids.items()):
            group, props = self.layout.groups[group_id], self.evaluator.properties(key)
            for direction, name in _INLINE:
                if name not in props:
                    continue
                entries = self.evaluator.eval(key[0], props[name])
                if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
                    group.unknown_directions.add(direction)
                    self.layout.notes.append(f"{group.place.name}: {name} is known only at deploy time: its "
                                             f"{direction} rules are not compared")
                    continue
                for entry in entries:
                    group.rules.append(ExpectedRule(self.shape(key[0], direction, entry), group.place,
                                                    _description(entry)))
            if "SecurityGroupEgress" not in props:  # EC2's allow-all egress stays unless egress is declared inline
                group.rules.append(ExpectedRule(_ALL_EGRESS, group.place, "EC2's default egress rule"))
                group.rules.append(ExpectedRule(_ALL_EGRESS_V6, group.place, "EC2's default IPv6 egress rule",
                                                optional=True))

    def standalone_rules(self) -> None:
        for direction in ("ingress", "egress"):
            for key in self.evaluator.of_type(f"AWS::EC2::SecurityGroup{direction.capitalize()}"):
                props = self.evaluator.properties(key)
                target = group_key(self.evaluator, key[0], props.get("GroupId"))
                if isinstance(target, Unknown):
                    self.layout.notes.append(f"{key[0]}/{key[1]}: the group of this {direction} rule cannot be "
                                             f"known ({target.reason}): not compared")
                    continue
                group_id = self.group_ids.get(target)
                if group_id is None:
                    continue  # a group outside the templates (its other rules are not ours to judge)
                self.layout.groups[group_id].rules.append(
                    ExpectedRule(self.shape(key[0], direction, props), self.place(key), _description(props)))

    def vpcs(self) -> None:
        for key in self.evaluator.of_type(VPC):
            vpc_id = self.deployment.physical(key)
            if vpc_id:
                self.layout.vpcs[vpc_id] = self.place(key)
        for stack in self.evaluator.stacks.values():
            for logical_id, resource in sorted(stack.resources.items()):
                kind = resource.get("Type", "") if isinstance(resource, dict) else ""
                if not (kind.startswith("Custom::") or kind == "AWS::CloudFormation::CustomResource"):
                    continue
                for value in self.evaluator.properties((stack.name, logical_id)).values():
                    found = self.evaluator.eval(stack.name, value)
                    if (isinstance(found, Res) and found.attribute == "DefaultSecurityGroup"
                            and self.evaluator.type_of(found.key) == VPC):
                        vpc_id = self.deployment.physical(found.key)
                        if vpc_id:
                            self.layout.closed_default_groups[vpc_id] = self.place((stack.name, logical_id))


    def attached(self) -> None:
        """Groups outside the templates that the ECS services put on their tasks, at their deployed ids."""
        for key in self.evaluator.of_type(ECS_SERVICE):
            value = self.evaluator.prop(key, "NetworkConfiguration", "AwsvpcConfiguration", "SecurityGroups")
            for item in value if isinstance(value, list) else []:
                if isinstance(item, str) and item.startswith("sg-") and item not in self.layout.groups:
                    self.layout.attached.setdefault(item, self.place(key))


def _description(props: dict) -> str:
    value = props.get("Description")
    return value if isinstance(value, str) else ""


def read_layout(environment, deployment: Deployment) -> Layout:
    """The :class:`Layout` of ``environment`` (a :class:`generator.deploy.environment.Environment`) as deployed."""
    stacks, docs = read_stacks(environment, deployment)
    layout = Layout()
    reader = _Reader(Evaluator(stacks), docs, deployment, layout)
    reader.groups()
    reader.inline_rules()
    reader.standalone_rules()
    reader.vpcs()
    reader.attached()
    for stack in stacks:
        for logical_id in stack.resources:
            layout.resources[(stack.name, logical_id)] = reader.place((stack.name, logical_id))
    return layout
