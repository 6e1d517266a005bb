"""Jinja2 templates for text artifacts, shipped in the wheel as ``generator.templates`` (see pyproject.toml)."""
