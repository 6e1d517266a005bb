"""Load balancers: scheme, and HTTPS with an ACM certificate and a modern TLS policy.

Only TLS 1.2+ policies are offered: a security review should never have to ask about TLS 1.0.
"""
from __future__ import annotations

import re
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, Field

from generator.model.base import Model, ParameterOrArn, bounded, matching
from generator.model.privatelink import PrivateLink
from generator.model.relax import relax_field, relaxable
from generator.model.sources import KEYWORDS, AllowFrom

#: ALB security policies that refuse TLS 1.0 and 1.1.
SSL_POLICIES = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS-1-2-2017-01",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    "ELBSecurityPolicy-FS-1-2-2019-08",
    "ELBSecurityPolicy-FS-1-2-Res-2019-08",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
)
DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"

#: Who may open connections to an internet-facing balancer: anyone, or only CloudFront's origin-facing servers (or,
#: as a list, exactly the sources of :mod:`generator.model.sources`).
ALLOW_FROM = KEYWORDS
#: Secure defaults of a balancer a blueprint may turn off under ``relax:``.
BALANCER_RELAX = ("deletion_protection", "end_to_end_tls", "waf", "tls", "privatelink_any_principal",
                  "privatelink_acceptance")
#: Kinds of balancer: application (HTTP/HTTPS, listener rules by path and host) or network (TCP/TLS, one listener
#: port per service).
BALANCER_TYPES = ("application", "network")
#: Requests one client address may send in any 5 minutes before the web ACL's rate-based rule blocks it (AWS WAF
#: accepts 10 to 2,000,000,000). 2,000 is generous for a browser or an API client and stops a naive flood.
DEFAULT_RATE_LIMIT = 2000
MIN_RATE_LIMIT, MAX_RATE_LIMIT = 10, 2_000_000_000

_ACM_ARN = re.compile(r"^arn:aws[a-z-]*:acm:[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:certificate/[A-Za-z0-9-]+$")
_PARAMETER = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,254}$")


_acm_arn = matching(_ACM_ARN, "'{value}' is not an ACM certificate ARN "
                               "(arn:aws:acm:<region>:<account>:certificate/<id>)")
_parameter_name = matching(_PARAMETER, "'{value}' is not a CloudFormation parameter name (letters and digits, "
                                       "e.g. CertificateArn)")


class Certificate(ParameterOrArn):
    """Where the certificate ARN comes from: a stack parameter the pipeline supplies, or a fixed ARN."""

    parameter: Annotated[str, AfterValidator(_parameter_name)] | None = Field(
        None, description="Name of a stack parameter holding the ACM certificate ARN.", examples=["CertificateArn"])
    arn: Annotated[str, AfterValidator(_acm_arn)] | None = Field(
        None, description="A fixed ACM certificate ARN.",
        examples=["arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"])


class Https(Model):
    """An HTTPS:443 listener; port 80 then only redirects (301) to HTTPS."""

    certificate: Certificate = Field(description="The ACM certificate: {parameter: Name} or {arn: arn:aws:acm:...}.")
    ssl_policy: Literal[SSL_POLICIES] = Field(DEFAULT_SSL_POLICY, description="TLS policy (TLS 1.2 or newer only).")


class Waf(Model):
    """The AWS WAF web ACL every internet-facing balancer gets: the AWS managed Core rule set and Known bad inputs
    rule groups, and a rate-based rule per client address."""

    rate_limit: bounded(MIN_RATE_LIMIT, MAX_RATE_LIMIT) = Field(
        DEFAULT_RATE_LIMIT, description="Requests one client IP address may send in any 5-minute window before "
                                        f"it is blocked ({MIN_RATE_LIMIT} to {MAX_RATE_LIMIT}).",
        examples=[DEFAULT_RATE_LIMIT, 500])


class LoadBalancer(Model):
    """A load balancer: internet-facing (public subnets, HTTPS required) or internal (private); an application
    balancer unless ``type: network`` (TCP/TLS listeners, one per routed service, optional PrivateLink: see
    :mod:`generator.model.network_balancers`).

    Deletion protection is on; turning it off takes ``relax: {deletion_protection: <reason>}``. An internet-facing
    balancer is behind an AWS WAF web ACL (``waf:``; off only with ``relax: {waf: <reason>}``). An internal balancer
    with ``https`` encrypts end to end: HTTPS only (no port 80) and HTTPS to the containers, which serve TLS on
    their port; ``relax: {end_to_end_tls: <reason>}`` keeps plain HTTP to the targets (and the port 80 redirect).
    """

    RELAX_KIND: ClassVar[str] = "load_balancer"

    type: Literal[BALANCER_TYPES] = Field(
        "application", description="application (HTTP/HTTPS, routes by path and host) or network (TCP or TLS "
                                   "listeners, one listener port per routed service; see tls and privatelink).")
    scheme: Literal["internet-facing", "internal"] = Field(
        description="internet-facing: in public subnets; internal: in private subnets.")
    https: Https | None = Field(None, description="HTTPS listener with HTTP->HTTPS redirect. Required when "
                                                  "internet-facing; without it an internal balancer listens on HTTP:80.")
    allow_from: AllowFrom = Field(
        "internet", description="Who may connect: internet (an internet-facing balancer: 0.0.0.0/0 on 443, and 80 "
                                "to redirect), cloudfront (only CloudFront's origin-facing servers, through the "
                                "AWS-managed prefix list, on 443; no port 80), or a list of sources, each a CIDR or "
                                "a managed prefix list ({cidr: 203.0.113.0/24, reason: partner A}, "
                                "{prefix_list: pl-...}, {parameter: Name}): one described rule per listener port "
                                "each (internet-facing: partners; internal: corporate ranges over VPN or Direct "
                                "Connect).",
        examples=["internet", [{"cidr": "203.0.113.0/24", "reason": "partner A"}]])
    desync_mitigation: Literal["defensive", "strictest"] = Field(
        "defensive", description="HTTP desync mitigation mode: defensive (AWS's default) or strictest (also "
                                 "rejects requests that are merely ambiguous).")
    waf: Waf = Field(Waf(), description="The AWS WAF web ACL of an internet-facing balancer (AWS managed Core rule "
                                        "set, Known bad inputs, a rate limit per client IP), on by default; "
                                        "relax: {waf: <reason>} turns it off.", examples=[{"rate_limit": 1000}])
    end_to_end_tls: bool | None = Field(
        None, description="Forward to the containers over HTTPS (they serve TLS on their port; the balancer does "
                          "not check their certificate). Default: on for an internal balancer with https (then it "
                          "has no port 80 listener either; relax: {end_to_end_tls: <reason>} turns it off), off for "
                          "an internet-facing one. Needs https.", examples=[True])
    tls: Https | None = Field(None, description="Network balancers only: TLS listeners terminating with this "
                                                "certificate and policy (TLS 1.2+). Required when internet-facing, "
                                                "unless relax: {tls: <reason>}; without it listeners are plain TCP.")
    privatelink: PrivateLink | None = Field(
        None, description="Network balancers only, internal: publish the balancer to other VPCs and accounts as a "
                          "VPC endpoint service.")
    relax: relaxable(*BALANCER_RELAX) = relax_field(*BALANCER_RELAX, what="load balancer")

    @property
    def network(self) -> bool:
        """Whether this is a network load balancer (TCP/TLS)."""
        return self.type == "network"

    @property
    def tls_to_targets(self) -> bool:
        """Whether the balancer forwards to its targets over HTTPS."""
        if self.https is None or "end_to_end_tls" in self.relax or self.network:
            return False
        return bool(self.end_to_end_tls) or self.scheme == "internal"

    @property
    def web_acl(self) -> bool:
        """Whether the balancer is behind a WAF web ACL: internet-facing, unless relaxed."""
        return self.scheme == "internet-facing" and "waf" not in self.relax and not self.network
