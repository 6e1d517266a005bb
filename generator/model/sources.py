"""Restricted sources of a load balancer: ``allow_from`` as a list of CIDRs and managed prefix lists.

``allow_from: internet`` opens a balancer to everyone, ``cloudfront`` to CloudFront's origin-facing servers; a list
opens it to exactly the sources it names, each becoming one described ingress rule per listener port and one line of
the flow matrix::

    allow_from:
      - {cidr: 203.0.113.0/24, reason: partner A}
      - 198.51.100.0/24                                   # shorthand: the description is derived
      - {prefix_list: pl-0123456789abcdef0, reason: partner B offices, max_entries: 10}
      - {parameter: PartnerPrefixList, reason: partner C} # a prefix-list id supplied at deploy time

CIDRs must be literal (canonical, no host bits) so the build, the audit and the README state the exact ranges; a
prefix list may come from a stack parameter because its entries live outside the template anyway. Checks that need
the rest of the blueprint (scheme, VPC range, audit exceptions, duplicates) live in
:mod:`generator.model.source_checks`.
"""
from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Literal, Union

from pydantic import AfterValidator, BeforeValidator, Discriminator, Field, Tag, WithJsonSchema, model_validator

from generator.model.base import Model, bounded, matching
from generator.naming import RULE_DESCRIPTION_CHARS, RULE_DESCRIPTION_HINT

#: The keywords ``allow_from`` accepts besides a list.
KEYWORDS = ("internet", "cloudfront")
#: A reason becomes part of a rule description (EC2: at most 255 characters); the rest of it names the port.
SOURCE_REASON_MAX = 120
#: AWS prefix-list ids: ``pl-`` and 8 or 17 hexadecimal digits.
PREFIX_LIST_ID = re.compile(r"^pl-[0-9a-f]{8}([0-9a-f]{9})?$")
_PARAMETER = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,254}$")
#: A customer-managed prefix list holds at most 1000 entries.
MAX_PREFIX_LIST_ENTRIES = 1000
#: Union tags (pydantic puts them into error locations; :mod:`generator.model.errors` drops ``<...>`` parts).
KEYWORD_TAG, SOURCES_TAG = "<keyword>", "<sources>"

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]


def parse_source_cidr(value: object) -> Network:
    """An IPv4 or IPv6 network written canonically: host bits set, or a non-canonical spelling, is an error that
    shows the network meant, so the flow matrix and the rule say exactly what the blueprint says."""
    if isinstance(value, (ipaddress.IPv4Network, ipaddress.IPv6Network)):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a CIDR (e.g. 203.0.113.0/24 or 2001:db8::/32)")
    if "/" not in value:
        raise ValueError(f"'{value}' has no prefix length (write a CIDR, e.g. {value}/32 for one address)")
    try:
        loose = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(f"'{value}' is not a CIDR (e.g. 203.0.113.0/24 or 2001:db8::/32)") from None
    if loose.network_address != ipaddress.ip_interface(value).ip:
        raise ValueError(f"'{value}' has host bits set (did you mean {loose}?)")
    if str(loose) != value:
        raise ValueError(f"'{value}' is not written canonically (write {loose})")
    return loose


SourceCidr = Annotated[Network, BeforeValidator(parse_source_cidr),
                       WithJsonSchema({"type": "string", "examples": ["203.0.113.0/24", "2001:db8::/32"]})]


def _reason(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty (say who this source is, e.g. partner A)")
    if len(value) > SOURCE_REASON_MAX or not RULE_DESCRIPTION_CHARS.fullmatch(value):
        raise ValueError(f"'{value}' cannot be part of a security-group rule description (up to {SOURCE_REASON_MAX} "
                         f"{RULE_DESCRIPTION_HINT})")
    return value


_prefix_list = matching(PREFIX_LIST_ID, "'{value}' is not a managed prefix list id (pl- and 8 or 17 hexadecimal "
                                        "digits, e.g. pl-0123456789abcdef0)")
_parameter = matching(_PARAMETER, "'{value}' is not a CloudFormation parameter name (letters and digits, e.g. "
                                  "PartnerPrefixList)")


def _shorthand(value: object) -> object:
    """``203.0.113.0/24`` and ``pl-…`` written alone stand for ``{cidr: …}`` and ``{prefix_list: …}``."""
    if not isinstance(value, str):
        return value
    if value in KEYWORDS:
        raise ValueError(f"{value} cannot be combined with a list of sources (write allow_from: {value} alone, or "
                         "list only CIDRs and prefix lists)")
    if value.startswith("pl-"):
        return {"prefix_list": value}
    return {"cidr": value}


class Source(Model):
    """One source a balancer admits: a CIDR, a managed prefix list id, or a stack parameter holding one."""

    cidr: SourceCidr | None = Field(None, description="An IPv4 or IPv6 CIDR, canonical (no host bits).",
                                    examples=["203.0.113.0/24"])
    prefix_list: Annotated[str, AfterValidator(_prefix_list)] | None = Field(
        None, description="A managed prefix list id (SourcePrefixListId).", examples=["pl-0123456789abcdef0"])
    parameter: Annotated[str, AfterValidator(_parameter)] | None = Field(
        None, description="Name of a stack parameter holding a managed prefix list id, supplied at deploy time.",
        examples=["PartnerPrefixList"])
    reason: Annotated[str, AfterValidator(_reason), Field(json_schema_extra={
        "minLength": 1, "maxLength": SOURCE_REASON_MAX, "pattern": RULE_DESCRIPTION_CHARS.pattern})] | None = Field(
        None, description="Who this source is; becomes part of each rule's description (default: the source "
                          "itself).", examples=["partner A"])
    max_entries: bounded(1, MAX_PREFIX_LIST_ENTRIES) | None = Field(
        None, description="The prefix list's maximum entries, which AWS counts against the 60-rule quota of the "
                          "balancer's group (default: counted as 1; state it to have the build check the quota).",
        examples=[10])

    @model_validator(mode="after")
    def _one_kind(self):
        kinds = [k for k in ("cidr", "prefix_list", "parameter") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("set exactly one of cidr, prefix_list or parameter (e.g. {cidr: 203.0.113.0/24, "
                             "reason: partner A})")
        if self.max_entries is not None and self.cidr is not None:
            raise ValueError("max_entries applies to prefix lists only (a CIDR is one rule)")
        return self

    @property
    def kind(self) -> str:
        """``cidr``, ``prefix_list`` or ``parameter``."""
        return "cidr" if self.cidr is not None else ("prefix_list" if self.prefix_list is not None else "parameter")

    @property
    def value(self) -> str:
        """The source as written: the CIDR, the prefix-list id or the parameter name."""
        return str(self.cidr) if self.cidr is not None else (self.prefix_list or self.parameter)

    @property
    def weight(self) -> int:
        """Rules this source counts as against the group quota, per listener port."""
        return self.max_entries or 1


class _ShorthandSchema:
    """The JSON Schema of a list item: the :class:`Source` mapping, or its shorthand string."""

    @staticmethod
    def __get_pydantic_json_schema__(core_schema, handler):
        return {"anyOf": [{"type": "string", "description": "A CIDR or a prefix list id, shorthand for {cidr: ...} "
                                                            "or {prefix_list: ...}",
                           "examples": ["198.51.100.0/24", "pl-0123456789abcdef0"]}, handler(core_schema)]}


SourceItem = Annotated[Source, BeforeValidator(_shorthand), _ShorthandSchema]


def _keyword(value: object) -> object:
    if isinstance(value, str) and value not in KEYWORDS:
        if "/" in value or value.startswith("pl-"):
            raise ValueError(f"'{value}' must be in a list (write allow_from: [{value}])")
        raise ValueError(f"'{value}' is not valid (valid: internet, cloudfront, or a list of CIDRs and prefix lists)")
    return value


def _which(value: object) -> str:
    return KEYWORD_TAG if isinstance(value, str) else SOURCES_TAG


AllowFrom = Annotated[
    Union[Annotated[Literal[KEYWORDS], BeforeValidator(_keyword), Tag(KEYWORD_TAG)],
          Annotated[list[SourceItem], Field(min_length=1), Tag(SOURCES_TAG)]],
    Discriminator(_which)]


def sources_of(balancer) -> tuple[Source, ...]:
    """The balancer's listed sources (empty for ``internet`` and ``cloudfront``)."""
    return tuple(balancer.allow_from) if isinstance(balancer.allow_from, list) else ()
