"""The top-level command: help and version work, and every subcommand has help with an example."""
from click.testing import CliRunner

from generator.cli import main


def test_help_lists_typical_use():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "stackprint build" in result.output


def test_every_subcommand_has_help_with_an_example():
    import click

    runner = CliRunner()
    names = main.list_commands(click.Context(main))  # commands load lazily: main.commands is empty
    assert len(names) >= 13
    for name in names:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert "stackprint " + name in result.output, f"{name} --help shows no example"
