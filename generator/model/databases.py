"""Databases: RDS PostgreSQL/MySQL instances and Aurora clusters, secure unless a ``relax:`` says why not.

The model holds what the blueprint may choose (engine, version, size, retention, key, names); everything a security
review expects is not a field but a fixed default of the emitter (encrypted storage, no public access, credentials
managed by RDS in Secrets Manager, TLS forced by a parameter group, isolated subnets, and an AWS Backup plan wherever
deletion protection is on). The defaults that have a
cost a dev environment may refuse (and a backup retention under 7 days) are switched off only under
``relax:`` with a reason.
"""
from __future__ import annotations

import re
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, Field

from generator.model.base import Model, ParameterOrArn, bounded, matching
from generator.model.relax import relax_field, relaxable

ENGINES = ("postgres", "mysql", "aurora-postgresql", "aurora-mysql")
AURORA_ENGINES = ("aurora-postgresql", "aurora-mysql")
#: Engine versions cfn-lint 1.58 and RDS accept, used when a blueprint names none.
DEFAULT_VERSIONS = {"postgres": "17.6", "mysql": "8.4.6", "aurora-postgresql": "17.6",
                    "aurora-mysql": "8.0.mysql_aurora.3.10.0"}
#: How each engine writes its versions (checked so the parameter-group family can be derived from it).
VERSION_PATTERNS = {"postgres": (r"^[0-9]{1,2}(\.[0-9]{1,2})?$", "17.6"),
                    "mysql": (r"^[0-9]\.[0-9]\.[0-9]{1,2}(-rds\.[0-9]{8})?$", "8.4.6"),
                    "aurora-postgresql": (r"^[0-9]{1,2}(\.[0-9]{1,2})?$", "17.6"),
                    "aurora-mysql": (r"^[0-9]\.[0-9]\.mysql_aurora\.[0-9]\.[0-9]{1,2}\.[0-9]{1,2}$", "8.0.mysql_aurora.3.10.0")}
DEFAULT_INSTANCE_CLASS = "db.t4g.medium"
DEFAULT_STORAGE_GB = 20
DEFAULT_USERNAME = "app"
DB_RELAX = ("backup_plan", "backup_retention", "deletion_protection", "enhanced_monitoring", "iam_authentication", "multi_az")
#: Fewer days of automated backups fail the build's audit (DATA006) unless ``relax: {backup_retention: why}``.
MIN_BACKUP_RETENTION_DAYS = 7

_INSTANCE_CLASS = re.compile(r"^db\.[a-z0-9]+\.[a-z0-9]+$")
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,15}$")
_DATABASE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,62}$")
_KMS_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:(key/[A-Za-z0-9-]+|alias/[A-Za-z0-9/_-]+)$")
_PARAMETER = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,254}$")
#: Names RDS refuses as the master user (its own administrator, and the engines' built-in superusers).
RESERVED_USERNAMES = ("rdsadmin", "rdsrepladmin", "postgres", "root", "mysql")


def _username(value: str) -> str:
    if not _IDENTIFIER.fullmatch(value):
        raise ValueError(f"'{value}' is not a master user name (a letter, then letters, digits or _, at most 16, "
                         f"e.g. '{DEFAULT_USERNAME}')")
    if value.lower() in RESERVED_USERNAMES:
        raise ValueError(f"'{value}' is reserved by RDS or the engine (choose another, e.g. '{DEFAULT_USERNAME}')")
    return value


class KmsKey(ParameterOrArn):
    """The customer-managed KMS key that encrypts storage: a stack parameter or a fixed key ARN."""

    parameter: Annotated[str, AfterValidator(matching(_PARAMETER, "'{value}' is not a CloudFormation parameter "
                                                                  "name (letters and digits, e.g. "
                                                                  "OrdersKmsKeyArn)"))] | None = Field(
        None, description="Name of a data-stack parameter holding the KMS key ARN.", examples=["OrdersKmsKeyArn"])
    arn: Annotated[str, AfterValidator(matching(_KMS_ARN, "'{value}' is not a KMS key ARN "
                                                          "(arn:aws:kms:<region>:<account>:key/<id>)"))] | None = \
        Field(None, description="A fixed KMS key ARN.",
              examples=["arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"])


class Database(Model):
    """One database: an RDS instance (postgres, mysql) or an Aurora cluster (aurora-postgresql, aurora-mysql).

    Services reach it by listing its name in ``flows:``; only their security groups may connect, on the engine port.
    """

    RELAX_KIND: ClassVar[str] = "database"

    engine: Literal[ENGINES] = Field(description="postgres | mysql (RDS instance) or aurora-postgresql | "
                                                 "aurora-mysql (Aurora cluster).", examples=["postgres"])
    version: str | None = Field(None, description="Engine version; the default is a current one per engine "
                                                  f"({', '.join(f'{e} {v}' for e, v in DEFAULT_VERSIONS.items())}).",
                                examples=["17.6"])
    instance_class: Annotated[str, AfterValidator(matching(_INSTANCE_CLASS, "'{value}' is not a DB instance class "
                                                                            "(e.g. db.t4g.medium)"))] = Field(
        DEFAULT_INSTANCE_CLASS, description="DB instance class (every instance of an Aurora cluster).",
        examples=["db.t4g.medium", "db.r6g.large"])
    storage_gb: bounded(20, 65536) | None = Field(
        None, description=f"Allocated gp3 storage in GiB, instances only (Aurora storage grows by itself). "
                          f"Default {DEFAULT_STORAGE_GB}.", examples=[20])
    backup_retention_days: bounded(1, 35) = Field(
        MIN_BACKUP_RETENTION_DAYS, description=f"Days of automated backups (1 to 35; backups cannot be turned off). "
                                               f"Under {MIN_BACKUP_RETENTION_DAYS} needs relax: {{backup_retention: "
                                               f"<reason>}}.", examples=[7, 14])
    database_name: Annotated[str, AfterValidator(matching(_DATABASE_NAME, "'{value}' is not a database name (a "
                                                                          "letter, then letters, digits or _, at "
                                                                          "most 63)"))] | None = Field(
        None, description="Name of the database created in it; default: the blueprint's name for it with '-' "
                          "as '_'.", examples=["orders"])
    username: Annotated[str, AfterValidator(_username)] = Field(
        DEFAULT_USERNAME, description="Master user name; RDS generates its password and keeps both in Secrets "
                                      "Manager.", examples=[DEFAULT_USERNAME])
    kms_key: KmsKey | None = Field(None, description="Customer-managed KMS key for storage (default: the "
                                                     "AWS-managed RDS key).")
    relax: relaxable(*DB_RELAX) = relax_field(*DB_RELAX, what="database")

    @property
    def aurora(self) -> bool:
        """Whether this is an Aurora cluster (else a single RDS instance)."""
        return self.engine in AURORA_ENGINES

    @property
    def engine_version(self) -> str:
        return self.version or DEFAULT_VERSIONS[self.engine]

    @property
    def port(self) -> int:
        """The engine's port, the only one its security group opens."""
        return 5432 if self.engine.endswith("postgres") or self.engine.endswith("postgresql") else 3306

    @property
    def family(self) -> str:
        """The parameter-group family of the version: ``postgres16``, ``mysql8.0``, ``aurora-mysql8.0``..."""
        version = self.engine_version
        major = version.split(".")[0] if "postgres" in self.engine else ".".join(version.split(".")[:2])
        return f"{self.engine}{major}"

    @property
    def storage(self) -> int:
        return self.storage_gb if self.storage_gb is not None else DEFAULT_STORAGE_GB

    def name_in_engine(self, name: str) -> str:
        """The database name created in the engine: the explicit one, or the blueprint's key with '-' as '_'."""
        return self.database_name or name.replace("-", "_")
