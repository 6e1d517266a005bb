"""Every secure default a blueprint may turn off under ``relax:`` maps to the scanner suppressions it needs.

A ``relax`` key without an entry in RELAXATIONS would crash the emitter; an entry no model accepts is dead policy.
Models with a ``relax`` field declare their family as ``RELAX_KIND`` (e.g. ``database``).
"""
from __future__ import annotations

import typing

import generator.model as model_package
from generator.audit import RULES
from generator.emit.scanner_metadata import CDK_NAG, CFN_LINT, RELAXATIONS
from generator.model.base import Model


def _models() -> set[type]:
    found, todo = set(), [Model]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def _relax_keys() -> set[str]:
    keys = set()
    for cls in _models():
        field = cls.model_fields.get("relax")
        if field is None:
            continue
        kind = getattr(cls, "RELAX_KIND", None)
        assert kind, f"{cls.__name__} has a relax field but no RELAX_KIND"
        dict_type = typing.get_args(field.annotation)[0] if typing.get_origin(field.annotation) is typing.Annotated \
            else field.annotation
        literal = typing.get_args(dict_type)[0]
        keys |= {f"{kind}.{setting}" for setting in typing.get_args(literal)}
    return keys


def test_every_relax_key_has_suppressions_and_every_entry_a_key():
    assert model_package  # the models are imported, so every subclass is registered
    assert _relax_keys() == set(RELAXATIONS) == set(CDK_NAG) == set(CFN_LINT)


def test_cdk_nag_ids_name_a_pack_and_a_rule():
    """cdk-nag ids are ``<pack>-<rule>``; a typo in the pack name would suppress nothing in a CDK app."""
    packs = ("AwsSolutions-", "HIPAA.Security-", "NIST.800.53.R5-", "PCI.DSS.321-")
    for key, ids in CDK_NAG.items():
        assert list(ids) == sorted(set(ids)), key
        for rule in ids:
            assert rule.startswith(packs) and rule.split("-", 1)[1], f"{key}: {rule} is not a cdk-nag rule id"


def test_relaxations_name_real_audit_rules_and_checkov_ids():
    for key, (checkov_ids, rules) in RELAXATIONS.items():
        assert checkov_ids or rules, f"{key} suppresses nothing: then it is not a secure default"
        for rule in rules:
            assert rule in RULES, f"{key}: unknown audit rule {rule}"
        for check in checkov_ids:
            assert check.startswith(("CKV_AWS_", "CKV2_AWS_")), f"{key}: {check} is not a checkov AWS check id"



def _network_template(text: str):
    from generator.emit import templates
    from generator.model import load_blueprint_text
    from generator.plan import plan

    (bp,) = load_blueprint_text(text, "shop.yaml").values()
    return templates(plan(bp))[f"shop-{bp.env}-network"]


def test_the_default_group_is_restricted_unless_relaxed_with_a_reason():
    """By default a custom resource receives the VPC's default group; relaxed, it is gone and the VPC carries the
    blueprint's reason as the NET004 suppression (so the audit, reading the template, reports nothing)."""
    from generator.audit import audit_document
    from generator.emit.default_group import RESOURCE_TYPE
    from generator.load import load_text

    base = "name: shop\nnetwork: {cidr: 10.20.0.0/16, nat: none}\n"
    restricted = _network_template(base).to_dict()["Resources"]
    (custom,) = [r for r in restricted.values() if r["Type"] == RESOURCE_TYPE]
    assert custom["Properties"]["DefaultSecurityGroupId"] == {"Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"]}
    reason = "shared VPC: legacy instances still launch into the default group"
    relaxed = _network_template(base.replace("nat: none}", f"nat: none, relax: {{restrict_default_security_group: "
                                                           f"'{reason}'}}}}"))
    resources = relaxed.to_dict()["Resources"]
    assert not [logical_id for logical_id in resources if logical_id.startswith("DefaultSecurityGroupRestriction")]
    assert resources["Vpc"]["Metadata"]["stackprint"]["ignore"] == [{"reason": reason, "rule": "NET004"}]
    findings = audit_document(load_text(relaxed.to_yaml(), "relaxed.yaml", cfn=True))
    assert [f.rule for f in findings if f.rule == "NET004"] == []
    unsuppressed = load_text(relaxed.to_yaml().replace("rule: NET004", "rule: NET001"), "x.yaml", cfn=True)
    assert [f.rule for f in audit_document(unsuppressed) if f.rule == "NET004"] == ["NET004"]
