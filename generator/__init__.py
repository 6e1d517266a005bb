"""stackprint: compile YAML blueprints into secure CloudFormation, and audit any template."""

__version__ = "0.1.0"
