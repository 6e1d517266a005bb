"""`stackprint validate`: ok lines on stdout, one line per problem on stderr, exit 0 or 2, never a traceback."""
from __future__ import annotations

from click.testing import CliRunner

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
