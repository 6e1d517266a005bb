"""Everything a rule may read about one template, computed lazily and at most once.

Rules receive an :class:`AuditContext` rather than the raw document so that the expensive views (all SG rules
normalised, attachment facts) are built once per template and shared, keeping a 5,000-resource template linear.
"""
from __future__ import annotations

from functools import cached_property

from generator.audit.attachments import Attachments
from generator.audit.policy import Policy
from generator.audit.resolve import Template
from generator.audit.sgrules import SecurityGroups
from generator.load import Document


class AuditContext:
    """A template plus the policy, with shared indexes (``template``, ``groups``, ``attachments``)."""

    def __init__(self, doc: Document, policy: Policy):
        self.doc = doc
        self.policy = policy
        self.template = Template(doc)

    @cached_property
    def groups(self) -> SecurityGroups:
        return SecurityGroups(self.template)

    @cached_property
    def attachments(self) -> Attachments:
        return Attachments(self.template)
