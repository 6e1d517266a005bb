"""cfn-lint, in-process, as a build gate: any error or warning fails the build.

Templates are linted for ``LINT_REGIONS``: us-east-1 is where cfn-lint's region-specific schemas are most complete
and the region the examples' ARNs name; the templates themselves are region-neutral (``Fn::GetAZs``,
``AWS::Partition``), so add regions here if you deploy elsewhere. Informational matches (``I...``) are not run.

The rules load once per process and lint every template, as cfn-lint's own command line does for many files
(``cfnlint.api.lint`` reloads them for each template: about 0.6 s a template, half of a build's time).

The gate's configuration comes from stackprint alone: cfn-lint's own discovery of ``.cfnlintrc`` files (in the
working directory and the home folder) is switched off, because such a file can ``append_rules`` (cfn-lint imports
and runs Python from the path it names) or ``ignore_checks: [E, W]`` (the gate would pass anything), and
``cli_args`` is an empty list so cfn-lint never parses stackprint's own command line.

cfn-lint is imported on first use, not with this module: importing it costs ~0.4 s and ~50 MB, which a build whose
templates are all judged by worker processes (or found in the gate cache, :mod:`generator.gatecache`) never pays
in its main process.
"""
from __future__ import annotations

from functools import lru_cache

from generator.gate_findings import GateFinding
from generator.gatecache.gates import TemplateGate

LINT_REGIONS = ("us-east-1",)


#: The name this type had when only the lint gate produced it (kept for callers of ``generator.lint.Finding``).
Finding = GateFinding


@lru_cache(maxsize=None)
def _gate_config_class():
    """cfn-lint's configuration without config-file discovery: only the arguments given here count."""
    from cfnlint.config import ConfigMixIn

    class _GateConfig(ConfigMixIn):
        def _find_config(self):
            return "", ""  # no user (~/.cfnlintrc) or project (./.cfnlintrc) file: cfn-lint reads none

    return _GateConfig


@lru_cache(maxsize=None)
def _runner(regions: tuple[str, ...], informational: bool):
    """cfn-lint with every built-in rule for ``regions`` (plus the informational ones), created on first use."""
    from cfnlint.runner import Runner

    extra = {"include_checks": ["I"]} if informational else {}
    return Runner(_gate_config_class()([], regions=list(regions), **extra))


def matches(text: str, regions: tuple[str, ...] = LINT_REGIONS, informational: bool = False) -> list:
    """cfn-lint's matches for one template text (what ``cfnlint.api.lint`` returns), with the rules loaded once."""
    from cfnlint.decode.decode import decode_str

    template, errors = decode_str(text)
    if errors:
        return errors
    return [] if template is None else list(_runner(tuple(regions), informational).validate_template(template))


def lint_text(path: str, text: str) -> list[GateFinding]:
    """cfn-lint matches for one template, as findings sorted by line."""
    return sorted(GateFinding(path, int(m.linenumber), m.rule.id, m.message) for m in matches(text))


def _load_rules() -> None:
    """Load the gate's rule set (in each worker process, before its first template)."""
    _runner(LINT_REGIONS, False)


#: The lint gate over every rendered template (relative path -> YAML text); judged per template, so its verdicts are
#: cached and computed in parallel by :mod:`generator.gatecache`. ``config`` is what else decides the verdict.
gate = TemplateGate("cfn-lint", lint_text, config={"regions": list(LINT_REGIONS), "informational": False,
                                                   "fail_on": ["E", "W"]}, prepare=_load_rules)
