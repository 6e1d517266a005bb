"""Blueprints to the files of ``out/``, entirely in memory: load -> plan -> emit -> render -> gates.

Nothing touches the disk here; :mod:`generator.commands.build` writes the result only when every gate passed, and
:mod:`generator.commands.check` compares it with what is on disk.

Gates are functions over the rendered templates (relative path -> YAML text) returning findings; ``GATES`` lists
them in order: cfn-lint, then the security audit at every severity.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Callable

from generator import lint, templating
from generator.audit import audit_document
from generator.blueprint_files import blueprint_paths  # noqa: F401  (callers import it from here too)
from generator.blueprint_exceptions import apply_suppressions
from generator.deploy.instructions import deploy_context
from generator.emit import KMS_PLACEHOLDER, stack_parameters, templates
from generator.emit.quotas import Usage
from generator.errors import InputError
from generator.gate_findings import GateFinding
from generator.gatecache import GateSession, Progress, Store, TemplateGate
from generator.gatecache.rendering import template_yaml
from generator.load import load_text
from generator.model import load_blueprint
from generator.pipeline import pipeline_files
from generator.plan import Layout, plan
from generator.plan.existing_network import unmanaged_checks
from generator.plan.flows import CLOUDFRONT, DATABASE, INTERNET, LOAD_BALANCER, PRIVATELINK
from generator.plan.ipv6 import readme_context as ipv6_readme
from generator.plan.names import balancer_group, database_group, service_group
from generator.reach.expect import prove as prove_expectations
from generator.report import readme_sections, report_from_texts

INLINE_TEMPLATE_LIMIT = 51_200  # bytes: `aws cloudformation deploy --template-file` without an S3 bucket

Gate = Callable[[dict[str, str]], list[GateFinding]]


def audit_template(path: str, text: str) -> list[GateFinding]:
    """The security audit (issue 3) of one rendered template: every finding, whatever its severity."""
    return [GateFinding(path, found.line, found.rule, f"{found.severity}: {found.resource}: {found.message}")
            for found in audit_document(load_text(text, path, cfn=True))]


#: The security audit over every rendered template, failing on findings of EVERY severity (judged per template:
#: cached and run in parallel by :mod:`generator.gatecache`).
audit_gate = TemplateGate("audit", audit_template, config={"fail_on": "every severity"})


GATES: list[Gate] = [lint.gate, audit_gate]  # cfn-lint first: the audit assumes well-formed templates


@dataclass
class Environment:
    """One compiled environment: its output directory (relative to out/) and files."""

    blueprint: str
    env: str
    source: str
    layout: Layout
    files: dict[str, bytes] = field(default_factory=dict)  # relative to the environment directory
    warnings: list[str] = field(default_factory=list)  # audit exceptions that matched nothing

    @property
    def directory(self) -> str:
        return f"{self.blueprint}/{self.env}"


@dataclass
class Build:
    """The result of compiling: environments (with files), gate findings and size warnings."""

    environments: list[Environment]
    findings: list[GateFinding]
    warnings: list[str]
    pipelines: dict[str, dict[str, bytes]] = field(default_factory=dict)  # blueprint -> pipeline.* files

    def units(self, whole_blueprints: bool) -> dict[str, dict[str, bytes]]:
        """Directories to replace on disk: whole ``<blueprint>/`` dirs, or only ``<blueprint>/<env>/`` ones."""
        units: dict[str, dict[str, bytes]] = {}
        for environment in self.environments:
            if whole_blueprints:
                unit = units.setdefault(environment.blueprint, {})
                for name, data in environment.files.items():
                    unit[f"{environment.env}/{name}"] = data
            else:
                units[environment.directory] = dict(environment.files)
        if whole_blueprints:  # the pipeline spans every environment: only a whole-blueprint build rewrites it
            for blueprint, files in self.pipelines.items():
                units.setdefault(blueprint, {}).update(files)
        return units

    def files(self) -> dict[str, bytes]:
        """Every file relative to out/."""
        files = {f"{e.directory}/{name}": data for e in self.environments for name, data in e.files.items()}
        files.update({f"{bp}/{name}": data for bp, pipeline in self.pipelines.items()
                      for name, data in pipeline.items()})
        return files


def _json(data) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _tags(layout: Layout) -> dict[str, str]:
    tags = dict(layout.tags)
    tags["stackprint:blueprint"] = layout.name
    tags["stackprint:environment"] = layout.env
    return dict(sorted(tags.items()))


def _label(kind: str, name: str, consumers: tuple[str, ...] = ()) -> str:
    if kind == PRIVATELINK:
        return f"PrivateLink consumers: {', '.join(f'`{p}`' for p in consumers)} (from {name})"
    if kind == INTERNET:
        return f"internet ({name})"
    if kind == CLOUDFRONT:
        return f"CloudFront (prefix list `{name}`)"
    if kind == DATABASE:
        return f"`{database_group(name)}` ({name})"
    return f"`{balancer_group(name) if kind == LOAD_BALANCER else service_group(name)}` ({name})"


def _readme(environment: Environment, stacks_json: list[dict], parameters: list[dict]) -> bytes:
    layout = environment.layout
    flows = [{"source": f.source_label or _label(f.source_kind, f.source, f.consumers),
              "target": _label(f.target_kind, f.target),
              "protocol": f.protocol, "port": f.port} for f in layout.flows]
    egress = [{"group": g.logical_id, "cidr": r.cidr, "protocol": r.protocol, "port": r.port,
               "description": r.description}
              for g in layout.groups for r in g.egress if not r.placeholder]
    text = templating.render("env-readme.md.j2",
        name=layout.name, env=layout.env, description=layout.description, source=environment.source,
        stacks=stacks_json, parameters=parameters, kms_placeholder=KMS_PLACEHOLDER, cidr=layout.network.cidr,
        zones=layout.network.availability_zones, nat=layout.network.nat, subnets=layout.subnets, flows=flows,
        egress=egress, ipv6=ipv6_readme(layout),
        endpoints=layout.endpoints, namespace=layout.namespace, databases=layout.databases,
        database_endpoints=layout.database_endpoints, vpc_endpoints=layout.vpc_endpoints,
        existing=_existing_network(layout),
        attached=[(s.name, g) for s in layout.services for g in s.attached_groups],
        attached_services=[s.name for s in layout.services if s.attached_groups],
        capacity=[(s.name, s.capacity) for s in layout.services if s.capacity is not None],
        deploy=deploy_context(environment.directory, stacks_json, environment.files, layout),
        report=_report_sections(environment), containers=_containers(layout))
    return text.encode("utf-8")


def _existing_network(layout: Layout) -> dict | None:
    """What the README says of an existing network: the VPC parameter, each tier's source, the checks left to its
    owners (generator/plan/existing_network.py); None for a network stackprint creates."""
    network = layout.network
    if network.managed:
        return None
    tiers = [{"tier": tier, "sources": network.existing_subnets(tier)}
             for tier in ("public", "private", "isolated") if network.existing_subnets(tier)]
    return {"vpc": next(p for p in network.existing if p.tier is None), "tiers": tiers,
            "route_tables": network.existing_route_tables,
            "checks": unmanaged_checks(tuple(t["tier"] for t in tiers))}


def _log_route(logging) -> str:
    if logging.driver == "awslogs":
        return "awslogs"
    options = dict(logging.options)
    return f"FireLens: {options.get('Name', 'custom output')}" if options else \
        "FireLens: cloudwatch_logs into the log group"


def _waits(depends_on) -> str:
    return ", ".join(f"`{name}` {condition}" for name, condition in depends_on)


def _containers(layout: Layout) -> list[dict]:
    """The README's table of each task's containers, for services with additional containers (none otherwise)."""
    rows = []
    for service in (s for s in layout.services if s.containers):
        rows.append(dict(service=service.name, name=service.name, main=True, image=service.image, essential=True,
                         size="rest of the task", waits=_waits(service.depends_on),
                         ports=f"tcp/{service.port} (the task's port)" if service.port else "",
                         logs=_log_route(service.logging)))
        for c in service.containers:
            size = " / ".join(str(v) if v is not None else "-" for v in (c.cpu, c.memory or c.memory_reservation))
            rows.append(dict(service=service.name, name=c.name, main=False, image=c.image, essential=c.essential,
                             size=size, waits=_waits(c.depends_on),
                             ports=", ".join(f"{protocol}/{port}" for port, protocol in c.ports),
                             logs="router (awslogs)" if c.firelens else _log_route(c.logging)))
    return rows


def _report_sections(environment: Environment) -> str:
    """The README's diagram and cost estimate (issue 10, part 3), from the environment's rendered templates."""
    texts = {name: data.decode("utf-8") for name, data in environment.files.items() if name.endswith(".template.yaml")}
    return readme_sections(report_from_texts(environment.directory, texts))


def render(layout: Layout, source: str, store: Store | None = None) -> Environment:
    """All files of one environment, as bytes, keyed by name inside ``out/<blueprint>/<env>/`` (templates' YAML
    reused from ``store`` when the same template was emitted before: generator.gatecache.rendering)."""
    environment = Environment(layout.name, layout.env, source, layout)
    tags = _tags(layout)
    stacks_json, parameters = [], []
    stack_templates = templates(layout)
    environment.warnings.extend(apply_suppressions(layout, stack_templates))
    for stack in layout.stacks:
        template = stack_templates[stack.name]
        supplied = stack_parameters(layout, stack)
        parameters += [{"stack": stack.name, "name": p.name, "placeholder": p.placeholder, "description": p.readme}
                       for p in supplied]
        body = template_yaml(template, store).encode("utf-8")
        excess = Usage.of(template, body).excess()
        if excess:  # the plan keeps documented blueprints far from this; see docs/output.md for the limits
            raise InputError(f"stack {stack.name} would need {' and '.join(excess)}: the blueprint is beyond the "
                             f"limits of the stack layout (docs/output.md)", path=source)
        environment.files[f"{stack.name}.template.yaml"] = body
        environment.files[f"{stack.name}.config.json"] = _json({"Parameters": {p.name: p.placeholder for p in supplied},
                                                                "Tags": tags})
        stacks_json.append({"stack_name": stack.name, "template": f"{stack.name}.template.yaml",
                            "config": f"{stack.name}.config.json", "depends_on": list(stack.depends_on)})
    environment.files["stacks.json"] = _json(stacks_json)
    environment.files["README.md"] = _readme(environment, stacks_json, parameters)
    return environment


def compile_blueprints(paths: list[str], only_env: str | None = None, gates: list[Gate] | None = None,
                       strict_env: bool = True, store: Store | None = None, progress: Progress | None = None) -> Build:
    """Compile every environment of every blueprint (or only ``only_env``), then run the gates over all templates.

    With ``strict_env`` every blueprint must declare ``only_env``; without it (``build --env dev`` over the whole
    blueprints/ directory) blueprints lacking it are skipped, and it is an error only if none declares it.
    Raises InputError for bad input (nothing is rendered in that case); gate findings come back in the Build.
    Verdicts found in ``store`` are not computed again (generator.gatecache); ``progress`` hears of each step.
    """
    progress = progress or Progress(enabled=False)
    session = GateSession(GATES if gates is None else gates, store, progress)  # workers warm up while we render
    environments: list[Environment] = []
    pipelines: dict[str, dict[str, bytes]] = {}
    owners: dict[str, str] = {}
    for path in paths:
        models = load_blueprint(path)
        if only_env is not None and only_env not in models and not strict_env:
            continue
        if only_env is not None and only_env not in models:
            raise InputError(f"--env {only_env}: not an environment of this blueprint "
                             f"(environments: {', '.join(models)})", path=path)
        for env_name, bp in models.items():
            if only_env is not None and env_name != only_env:
                continue
            if owners.setdefault(bp.name, path) != path:
                raise InputError(f"blueprint name {bp.name!r} is also used by {owners[bp.name]} "
                                 f"(each blueprint needs its own name: it is the out/ directory)", path=path)
            progress.rendering(f"{bp.name}/{env_name}")
            environments.append(render(plan(bp), path, store))
            progress.rendered(environments[-1].directory, len(environments[-1].layout.stacks))
            prove_expectations(environments[-1].layout, environments[-1].files)  # expect:, from rendered templates
        if only_env is None:  # a whole-blueprint build also writes the pipeline that deploys every environment
            name = next(iter(models.values())).name
            progress.rendering(name)
            pipelines[name] = pipeline_files(path, models, {e.env: e.files for e in environments if e.source == path})
            progress.rendered(name, sum(n.endswith(".template.yaml") for n in pipelines[name]))
    if only_env is not None and not environments:
        raise InputError(f"--env {only_env}: no blueprint declares this environment")
    rendered = {f"{e.directory}/{name}": data.decode("utf-8") for e in environments
                for name, data in e.files.items() if name.endswith(".template.yaml")}
    rendered.update({f"{bp}/{name}": data.decode("utf-8") for bp, files in pipelines.items()
                     for name, data in files.items() if name.endswith(".template.yaml")})
    findings = session.run(rendered)
    warnings = [w for e in environments for w in e.warnings]
    warnings += [f"{path}: {len(text.encode('utf-8')):,} bytes exceeds the {INLINE_TEMPLATE_LIMIT:,}-byte inline "
                f"limit of `aws cloudformation deploy` (upload it to S3 with --s3-bucket)"
                for path, text in sorted(rendered.items()) if len(text.encode("utf-8")) > INLINE_TEMPLATE_LIMIT]
    return Build(environments, sorted(findings), warnings, pipelines)
