"""`stackprint validate`: ok lines on stdout, one line per problem on stderr, exit 0 or 2, never a traceback."""
from __future__ import annotations

from click.testing import CliRunner

import pytest

from generator.cli import main


def _run(*args):
    return CliRunner().invoke(main, ["validate", *args])


def test_valid_blueprint_lists_its_environments(write_blueprint):
    path = write_blueprint("BASE\nenvironments: {prod: {}, dev: {network: {nat: single}}}\n")
    result = _run(path)
    assert result.exit_code == 0, result.output
    assert result.stdout == "ok: blueprints/shop.yaml (environments: dev, prod)\n"
    assert result.stderr == ""


def test_every_error_of_every_file_one_line_each(write_blueprint):
    good = write_blueprint("BASE\n", name="good.yaml")
    bad = write_blueprint("""
        BASE
            prot: 80
            memory: 700 MiB
        """, name="bad.yaml")
    missing = "blueprints/missing.yaml"
    result = _run(bad, good, missing)
    assert result.exit_code == 2
    assert result.stdout == "ok: blueprints/good.yaml (environments: default)\n"
    # the unknown key stops bad.yaml at the schema stage, so its memory is not judged yet
    assert result.stderr.splitlines() == [
        "blueprints/bad.yaml:13:5: services.web.prot: unknown key (did you mean 'port'?)",
        "blueprints/missing.yaml: file not found",
    ]
    assert "Traceback" not in result.output


def test_semantic_errors_exit_2(write_blueprint):
    path = write_blueprint("""
        BASE
            memory: 700 MiB
            flows: [api]
        """)
    result = _run(path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "blueprints/shop.yaml:13:13: services.web.memory: 700 MiB is not valid with 0.25 vCPU (valid: 512, 1024, "
        "2048)",
        "blueprints/shop.yaml:14:13: services.web.flows[0]: unknown service 'api' (no other services are defined)",
    ]


def test_needs_an_argument():
    result = _run()
    assert result.exit_code == 2
    assert "Missing argument" in result.output


@pytest.mark.slow
def test_output_does_not_depend_on_hash_seed(write_blueprint):
    """Errors come out in file order, whatever the set/dict iteration order of a process."""
    import os
    import subprocess
    import sys

    path = write_blueprint("""
        BASE
            flows: [a, b, c, d]
            environment: {TOKEN: x, SECRET: y, PASSWORD: z}
        environments: {dev: {}, prod: {}, test: {}, qa: {}}
        """)
    outputs = set()
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-m", "generator.cli", "validate", path], env=env,
                              capture_output=True, text=True, check=False)
        assert done.returncode == 2
        outputs.add(done.stderr)
    assert len(outputs) == 1
    assert len(outputs.pop().splitlines()) == 7


def test_validate_refuses_what_build_refuses_a_reserved_service_name(write_blueprint):
    """`validate` runs every check that does not render: a service named `network` would share the network
    stack's name, so build refuses it, and validate must too (it once said ok)."""
    path = write_blueprint("""
        BASE
          network: {image: public.ecr.aws/nginx/nginx:1.27}
        """)
    result = _run(path)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "blueprints/shop.yaml:13:12: services.network: 'network' is reserved: the environment's network stack is "
        "shop-default-network (rename the service)"]


def test_validate_runs_the_plan_and_reports_a_rule_quota_it_cannot_see_otherwise(write_blueprint):
    callers = "".join(f"  c{i}: {{image: public.ecr.aws/nginx/nginx:1.27, flows: [cache]}}\n" for i in range(61))
    path = write_blueprint("BASE\n  cache: {image: public.ecr.aws/nginx/nginx:1.27, port: 6379}\n" + callers)
    result = _run(path)
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("blueprints/shop.yaml:13:10: services.cache: the security group of cache needs 61 inbound "
                           "rules (at most 60 per group")
