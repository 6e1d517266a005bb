"""What each database becomes: instance or cluster, its members, and which secure defaults stay on.

Every choice the emitter needs is made here once (Multi-AZ, members of an Aurora cluster, the TLS parameter, the
log types exported, which defaults the blueprint relaxed), so the emitter only spells them out and the README, the
audit and the tests read the same decisions.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from generator.naming import database_variables
from generator.plan.names import database_group, pascal

#: Enhanced monitoring granularity in seconds when it is on.
MONITORING_INTERVAL = 60
#: Log types each engine exports to CloudWatch Logs.
LOG_EXPORTS = {"postgres": ("postgresql", "upgrade"), "aurora-postgresql": ("postgresql",),
               "mysql": ("error", "general", "slowquery"), "aurora-mysql": ("error", "general", "slowquery")}
#: The parameter that refuses unencrypted connections, per engine family (checkov CKV2_AWS_69 reads "1").
TLS_PARAMETERS = {"postgres": {"rds.force_ssl": "1"}, "aurora-postgresql": {"rds.force_ssl": "1"},
                  "mysql": {"require_secure_transport": "1"}, "aurora-mysql": {"require_secure_transport": "1"}}


@dataclass(frozen=True)
class DatabasePlan:
    """One database as it will be built. ``members`` are the DB instance logical ids: one for an RDS instance;
    for Aurora the writer, then a reader in another zone unless Multi-AZ is relaxed."""

    name: str
    prefix: str  # logical-id fragment, e.g. "Orders"
    engine: str
    engine_version: str
    family: str  # the parameter-group family of the version
    instance_class: str
    storage: int  # allocated GiB (instances; Aurora storage grows by itself)
    username: str
    backup_retention_days: int
    aurora: bool
    port: int
    kms_key_parameter: str | None  # a customer KMS key as a data-stack parameter...
    kms_key_arn: str | None  # ...or as a fixed ARN (None with neither: the AWS-managed key)
    relax: dict = field(hash=False)  # the defaults the blueprint turned off -> its reason
    database_name: str
    security_group: str
    members: tuple[str, ...]
    multi_az: bool
    deletion_protection: bool
    iam_authentication: bool
    enhanced_monitoring: bool
    log_exports: tuple[str, ...]
    tls_parameters: dict = field(hash=False)
    #: In the data stack's AWS Backup plan (daily, kept ``backup_retention_days``): wherever deletion protection is
    #: on, unless relaxed.
    backup_plan: bool = False

    @property
    def resource(self) -> str:
        """Logical id of the resource that holds the endpoint and the managed secret (instance or cluster)."""
        return f"{self.prefix}Cluster" if self.aurora else self.members[0]


@dataclass(frozen=True)
class DatabaseEndpoint:
    """What ``caller`` is told about database ``target``: host, port and name as environment variables, user name
    and password as ``Secrets`` entries read from the RDS-managed secret."""

    caller: str
    target: str
    host_variable: str
    port_variable: str
    name_variable: str
    username_variable: str
    password_variable: str
    port: int
    database_name: str


def database_plans(bp) -> tuple[DatabasePlan, ...]:
    """Every database of the environment, sorted by name."""
    plans = []
    for name in sorted(bp.databases):
        database = bp.databases[name]
        prefix = pascal(name)
        multi_az = "multi_az" not in database.relax
        if database.aurora:
            members = (f"{prefix}Writer",) + ((f"{prefix}Reader",) if multi_az else ())
        else:
            members = (f"{prefix}Database",)
        plans.append(DatabasePlan(
            name=name, prefix=prefix, engine=database.engine, engine_version=database.engine_version,
            family=database.family, instance_class=database.instance_class, storage=database.storage,
            username=database.username, backup_retention_days=database.backup_retention_days,
            aurora=database.aurora, port=database.port,
            kms_key_parameter=database.kms_key.parameter if database.kms_key else None,
            kms_key_arn=database.kms_key.arn if database.kms_key else None, relax=dict(database.relax),
            database_name=database.name_in_engine(name),
            security_group=database_group(name), members=members, multi_az=multi_az,
            deletion_protection="deletion_protection" not in database.relax,
            iam_authentication="iam_authentication" not in database.relax,
            enhanced_monitoring="enhanced_monitoring" not in database.relax,
            log_exports=LOG_EXPORTS[database.engine], tls_parameters=TLS_PARAMETERS[database.engine],
            backup_plan="deletion_protection" not in database.relax and "backup_plan" not in database.relax))
    return tuple(plans)


def database_endpoints(bp) -> tuple[DatabaseEndpoint, ...]:
    """One endpoint per (service, database) flow, sorted by caller then database."""
    result = []
    for caller in sorted(bp.services):
        for target in sorted(set(bp.services[caller].flows) & set(bp.databases)):
            database = bp.databases[target]
            result.append(DatabaseEndpoint(caller, target, *database_variables(target), database.port,
                                           database.name_in_engine(target)))
    return tuple(result)
