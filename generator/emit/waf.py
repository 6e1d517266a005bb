"""The AWS WAF web ACL in front of an internet-facing balancer, its association and its encrypted request log.

One web ACL per balancer, emitted next to the balancer by :func:`add_web_acl` (keyed on the balancer alone, so the
balancer and its ACL always land in the same stack, whichever stack that is). Rules, in priority order:

1. ``AWSManagedRulesCommonRuleSet`` (the Core rule set: OWASP Top 10 style request inspection);
2. ``AWSManagedRulesKnownBadInputsRuleSet`` (exploit patterns such as Log4Shell's ``${jndi:``);
3. a rate-based rule that blocks a client address sending more than the blueprint's ``waf.rate_limit`` requests in
   any 5 minutes.

Everything else is allowed (the balancer's own listener rules decide what is served). Requests the ACL blocks or
samples are logged to a CloudWatch log group named ``aws-waf-logs-...`` (the prefix AWS WAF requires), encrypted
with the environment's logs key and kept :data:`WAF_LOG_RETENTION_DAYS` days.
"""
from __future__ import annotations

from troposphere import GetAtt, Ref, Sub, Template
from troposphere import logs, wafv2

from generator.plan import BalancerPlan

#: Long enough to investigate an attack after the fact, like the balancer's access logs.
WAF_LOG_RETENTION_DAYS = 365
#: The managed rule groups every web ACL runs, in priority order.
MANAGED_RULE_GROUPS = ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet")
RATE_RULE = "RateLimitPerClientIp"
#: The window AWS WAF counts a rate-based rule's requests in.
RATE_WINDOW_SECONDS = 300


def web_acl_id(balancer: BalancerPlan) -> str:
    """Logical id of the balancer's web ACL."""
    return f"{balancer.prefix}WebAcl"


def _visibility(metric: str) -> wafv2.VisibilityConfig:
    return wafv2.VisibilityConfig(CloudWatchMetricsEnabled=True, MetricName=metric, SampledRequestsEnabled=True)


def _managed_rule(priority: int, name: str) -> wafv2.WebACLRule:
    return wafv2.WebACLRule(
        Name=name, Priority=priority, OverrideAction=wafv2.OverrideAction(**{"None": {}}),
        Statement=wafv2.Statement(ManagedRuleGroupStatement=wafv2.ManagedRuleGroupStatement(
            VendorName="AWS", Name=name)),
        VisibilityConfig=_visibility(name))


def _rate_rule(priority: int, limit: int) -> wafv2.WebACLRule:
    return wafv2.WebACLRule(
        Name=RATE_RULE, Priority=priority, Action=wafv2.RuleAction(Block=wafv2.BlockAction()),
        Statement=wafv2.Statement(RateBasedStatement=wafv2.RateBasedStatement(
            AggregateKeyType="IP", Limit=limit, EvaluationWindowSec=RATE_WINDOW_SECONDS)),
        VisibilityConfig=_visibility(RATE_RULE))


def add_web_acl(template: Template, balancer: BalancerPlan, load_balancer_id: str, logs_key_arn) -> None:
    """The web ACL of ``balancer`` (when it has one), associated with the balancer resource ``load_balancer_id`` of
    the same template, logging to its own log group encrypted with ``logs_key_arn`` (a value: GetAtt or import)."""
    if not balancer.web_acl:
        return
    acl = web_acl_id(balancer)
    rules = [_managed_rule(priority, name) for priority, name in enumerate(MANAGED_RULE_GROUPS)]
    rules.append(_rate_rule(len(rules), balancer.rate_limit))
    template.add_resource(wafv2.WebACL(
        acl, Scope="REGIONAL", DefaultAction=wafv2.DefaultAction(Allow=wafv2.AllowAction()),
        Description=f"{balancer.name} load balancer: AWS managed Core and Known bad inputs rules, "
                    f"{balancer.rate_limit} requests per client IP per 5 minutes",
        Rules=rules, VisibilityConfig=_visibility(acl)))
    template.add_resource(wafv2.WebACLAssociation(
        f"{acl}Association", ResourceArn=Ref(load_balancer_id), WebACLArn=GetAtt(acl, "Arn")))
    log_group = f"{acl}LogGroup"
    template.add_resource(logs.LogGroup(
        log_group, LogGroupName=Sub(f"aws-waf-logs-${{AWS::StackName}}-{balancer.name}"),
        RetentionInDays=WAF_LOG_RETENTION_DAYS, KmsKeyId=logs_key_arn,
        DeletionPolicy="Retain", UpdateReplacePolicy="Retain"))
    template.add_resource(wafv2.LoggingConfiguration(
        f"{acl}Logging", ResourceArn=GetAtt(acl, "Arn"),
        LogDestinationConfigs=[Sub(f"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:"
                                   f"${{{log_group}}}")]))
