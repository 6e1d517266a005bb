"""`guardrails:` in the blueprint: bad values are refused at their position, by `validate` as by `build`."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.model import load_blueprint
from generator.plan import plan


def _validate(path):
    return CliRunner().invoke(main, ["validate", path])


@pytest.mark.parametrize("text, expected", [
    ("guardrails: {}\n",
     "13:13: guardrails: guardrails without auto_revert or config_rules would build an empty stack (set auto_revert: "
     "{notify: {parameter: GuardrailsEmail}}, config_rules: true, or both; leave guardrails out to have none)"),
    ("guardrails: {config_rules: [restricted-sh]}\n",
     "13:28: guardrails.config_rules: 'restricted-sh' is not a managed rule stackprint offers (did you mean "
     "'restricted-ssh'?; valid: "
     "restricted-ssh, vpc-sg-open-only-to-authorized-ports, vpc-default-security-group-closed, vpc-flow-logs-enabled, "
     "alb-http-to-https-redirection-check, rds-instance-public-access-check, rds-storage-encrypted, "
     "ecs-containers-readonly-access, ecs-task-definition-nonroot-user)"),
    ("guardrails: {config_rules: [restricted-ssh, restricted-ssh]}\n",
     "13:28: guardrails.config_rules: 'restricted-ssh' is listed twice (list each rule once)"),
    ("guardrails: {config_rules: []}\n",
     "13:28: guardrails.config_rules: an empty list turns on no rule (write false, or leave config_rules out)"),
    ("guardrails: {config_rules: all}\n",
     "13:28: guardrails.config_rules: expected true, false or a list of rule names, got 'all' (e.g. config_rules: "
     "true, or config_rules: [restricted-ssh])"),
    ("guardrails: {auto_revert: {notify: {parameter: guardrails-email}}}\n",
     "13:48: guardrails.auto_revert.notify.parameter: 'guardrails-email' is not a CloudFormation parameter name "
     "(letters and digits, e.g. GuardrailsEmail)"),
    ("guardrails: {auto_revert: {notify: {email: ops@example.com}}}\n",
     "13:28: guardrails.auto_revert.notify: missing required key 'parameter' (e.g. parameter: GuardrailsEmail)\n"
     "blueprints/shop.yaml:13:37: guardrails.auto_revert.notify.email: unknown key (valid: parameter)"),
    ("guardrails: {config_rules: [rds-storage-encrypted]}\n",
     "13:29: guardrails.config_rules[0]: 'rds-storage-encrypted' does not apply to this environment: the environment "
     "has no databases (leave it out, or write config_rules: true for every rule that applies)"),
    ("guardrails: {config_rules: [ecs-task-definition-nonroot-user]}\n",
     "13:29: guardrails.config_rules[0]: 'ecs-task-definition-nonroot-user' does not apply to this environment: "
     "service web sets no user (set user: to a non-root uid) (leave it out, or write config_rules: true for every "
     "rule that applies)"),
])
def test_a_bad_guardrails_value_is_refused_at_its_position(write_blueprint, text, expected):
    path = write_blueprint("BASE\n" + text)
    result = _validate(path)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == f"{path}:{expected}".splitlines()


def test_a_service_named_guardrails_is_reserved_when_the_environment_has_guardrails(write_blueprint):
    path = write_blueprint("""
        name: shop
        network: {cidr: 10.20.0.0/16}
        services:
          guardrails: {image: "example/g:1.0"}
        guardrails: {config_rules: true}
        """)
    result = _validate(path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}:4:15: services.guardrails: 'guardrails' is reserved when the environment has guardrails: its "
        f"guardrails stack is shop-default-guardrails (rename the service)"]


def test_config_rules_true_takes_every_rule_that_applies_with_the_listener_ports(write_blueprint):
    path = write_blueprint("BASE\nguardrails: {config_rules: true}\n")
    layout = plan(load_blueprint(path)["default"])
    rules = {rule.name: rule for rule in layout.guardrails.config_rules}
    assert sorted(rules) == ["alb-http-to-https-redirection-check", "ecs-containers-readonly-access",
                             "restricted-ssh", "vpc-default-security-group-closed", "vpc-flow-logs-enabled",
                             "vpc-sg-open-only-to-authorized-ports"]
    assert rules["vpc-sg-open-only-to-authorized-ports"].parameters == (("authorizedTcpPorts", "80,443"),)
    assert [s.kind for s in layout.stacks][-1] == "guardrails"
    assert layout.stacks[-1].depends_on == tuple(s.name for s in layout.stacks[:-1])
    assert not layout.guardrails.auto_revert


def test_the_guardrails_are_per_environment(write_blueprint):
    path = write_blueprint("""
        BASE
        environments:
          dev: {}
          prod:
            guardrails: {auto_revert: {notify: {parameter: GuardrailsEmail}}}
        """)
    models = load_blueprint(path)
    assert models["dev"].guardrails is None
    assert "guardrails" not in {s.kind for s in plan(models["dev"]).stacks}
    layout = plan(models["prod"])
    assert layout.stacks[-1].name == "shop-prod-guardrails"
    assert dict(layout.guardrails.committed)["WebTaskSecurityGroup"] == (
        "egress tcp 443-443 cidr:0.0.0.0/0", "ingress tcp 8080-8080 group:PublicLoadBalancerSecurityGroup")


def test_a_committed_set_over_lambdas_environment_limit_is_refused_at_auto_revert(write_blueprint):
    """Lambda takes at most 4 KB of environment variables: the build says so instead of failing the deploy."""
    services = "".join(f"  s{i}:\n    image: example/s:1.0\n    port: 8080\n    flows: [s{(i + 1) % 200}]\n"
                       for i in range(200))  # even compressed (about 20 bytes a service), 200 do not fit
    path = write_blueprint("name: shop\nnetwork: {cidr: 10.20.0.0/16}\nservices:\n" + services
                           + "guardrails: {auto_revert: {notify: {parameter: GuardrailsEmail}}}\n")
    result = _validate(path)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{path}:804:27: guardrails.auto_revert: the committed rule set takes ")
    assert line.endswith("bytes of the auto-revert function's environment, over Lambda's 4,096 (split the blueprint, "
                         "or keep config_rules only)")
