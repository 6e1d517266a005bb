"""What drift reports: one :class:`Finding` per difference between the templates and the account, and the
:class:`Report` that holds them with the notes (what could not be checked, and why) and the counts of what was."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Kind:
    id: str
    name: str
    level: str        # SARIF level: error | warning
    title: str
    rationale: str


KINDS = {kind.id: kind for kind in (
    Kind("DRIFT001", "rule-added", "error", "Security-group rule added outside the templates",
         "A rule no template declares opens a path the flow matrix does not have. Revoke it, or declare the flow "
         "in the blueprint and redeploy."),
    Kind("DRIFT002", "rule-missing", "warning", "Declared security-group rule missing",
         "A rule the templates declare was revoked outside CloudFormation: a flow of the layout is broken. "
         "Redeploy (or re-authorize the rule)."),
    Kind("DRIFT003", "default-group-rule", "error", "VPC default security group has rules again",
         "The templates keep the VPC's default group empty (anything launched without a group lands in it). "
         "Revoke the rules."),
    Kind("DRIFT004", "foreign-group", "error", "Network interface uses a security group outside the layout",
         "An interface in the environment's VPC is attached to a group no template declares, so its traffic "
         "follows rules the layout does not know. Attach the layout's group, or declare the workload."),
    Kind("DRIFT005", "group-missing", "error", "Security group of the layout deleted",
         "A group the templates declare no longer exists; the stack can no longer update it. Redeploy."),
    Kind("DRIFT006", "stack-drift", "warning", "CloudFormation drift detection reports a drifted resource",
         "CloudFormation's own drift detection found a resource whose properties differ from the template (or "
         "that was deleted). Redeploy, or change the blueprint to match."),
)}
_ORDER = {kind_id: index for index, kind_id in enumerate(sorted(KINDS))}


@dataclass
class Finding:
    """One difference. ``file``/``line`` point at the declaring resource when the templates have one."""

    rule: str                 # a KINDS id
    stack: str                # the stack the subject belongs to ("" when none does)
    resource: str             # logical id, or a physical id outside the templates
    subject: str              # what differs, e.g. "ingress tcp/22 from 0.0.0.0/0 on web-api-dev-network/WebSg"
    file: str = ""
    line: int = 0
    details: dict = field(default_factory=dict)  # ids, who/when, CloudFormation's confirmation, differences

    @property
    def kind(self) -> Kind:
        return KINDS[self.rule]

    def sort_key(self) -> tuple:
        return (_ORDER[self.rule], self.stack, self.resource, self.subject)

    def as_dict(self) -> dict:
        return {"rule": self.rule, "kind": self.kind.name, "stack": self.stack, "resource": self.resource,
                "subject": self.subject, "file": self.file, "line": self.line, "details": self.details}


@dataclass
class Report:
    environment: str
    stacks: list[str]
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: dict = field(default_factory=dict)   # counts: groups, rules, interfaces, stacks drift-detected

    @property
    def drifted(self) -> bool:
        return bool(self.findings)

    def sorted(self) -> "Report":
        self.findings.sort(key=Finding.sort_key)
        self.notes = sorted(set(self.notes))
        return self
