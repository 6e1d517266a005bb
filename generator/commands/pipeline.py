"""`stackprint pipeline`: print the CodePipeline template that deploys one blueprint's committed out/."""
from __future__ import annotations

import sys

import click

from generator.console import error, info
from generator.write import atomic_write


@click.command("pipeline")
@click.argument("blueprint", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write the template to FILE instead of stdout.")
def command(blueprint: str, output: str | None) -> None:
    """Print the CloudFormation template of an AWS CodePipeline (V2) that deploys BLUEPRINT's out/ directory.

    The pipeline reads the repository through a CodeConnections connection, then deploys one stage per
    environment (in the order of the blueprint's environments:) with CloudFormation change sets, in stacks.json
    dependency order; environments listed in the blueprint's pipeline.protected (default: prod) wait for a manual
    approval before their change sets run. It stays within CodePipeline's quotas at any size: an environment
    continues over further stages of at most 50 actions, and past 500 actions per pipeline each dependency step
    runs as two Commands actions over the committed pipeline.deploy.py (docs/output.md). `stackprint build` writes
    the same template to
    out/<blueprint>/pipeline.template.yaml with its pipeline.config.json; this command prints it on its own.
    The template passes the same gates as the build (cfn-lint and the audit); with findings nothing is printed.

    \b
    Examples:
      stackprint pipeline blueprints/web-api.yaml
      stackprint pipeline blueprints/web-api.yaml -o web-api-pipeline.yaml
    Exit codes: 0 printed, 1 findings (nothing printed), 2 bad input.
    """
    from generator.compile import GATES, compile_blueprints  # cfn-lint: ~0.6 s, only here
    from generator.pipeline import SCRIPT_FILE, TEMPLATE_FILE

    build = compile_blueprints([blueprint], gates=[])
    (name, files), = build.pipelines.items()
    text = files[TEMPLATE_FILE].decode("utf-8")
    findings = [finding for gate in GATES for finding in gate({f"{name}/{TEMPLATE_FILE}": text})]
    if findings:
        for finding in sorted(findings):
            error(str(finding))
        error(f"pipeline template failed its gates: {len(findings)} finding(s); nothing written")
        sys.exit(1)
    if SCRIPT_FILE in files:  # the batched layout runs a committed script: say where it comes from
        info(f"this pipeline runs out/{name}/{SCRIPT_FILE} from the repository; `stackprint build` writes it")
    if output:
        atomic_write(output, text)
        info(f"wrote {output} (pipeline of {name}; its parameters: out/{name}/pipeline.config.json after build)")
    else:
        click.echo(text, nl=False)
