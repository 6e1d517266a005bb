"""The data stack: per database a DB subnet group over the isolated subnets, a parameter group that forces TLS, and
the RDS instance or Aurora cluster with its members; one enhanced-monitoring role shared by them; an AWS Backup plan
per database with deletion protection, into one encrypted vault.

The security group of each database lives in the network stack with the rest of the firewall; this stack imports
it. What the services need (address, port, the RDS-managed secret's ARN) is exported. Credentials never appear in
a template: ``ManageMasterUserPassword`` makes RDS generate the password and keep it in Secrets Manager.
"""
from __future__ import annotations

import hashlib

from troposphere import GetAtt, Ref, Split, Sub, Template
from troposphere import backup, iam, kms, rds

from generator.emit import exports
from generator.emit.parameters import StackParameter
from generator.emit.scanner_metadata import RELAXATIONS, add_suppressions, suppressions
from generator.plan import Layout
from generator.plan.databases import MONITORING_INTERVAL, DatabasePlan
from generator.plan.names import network_stack

MONITORING_ROLE = "DatabaseMonitoringRole"
MONITORING_POLICY = "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
KMS_KEY_PATTERN = r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+$"
KMS_PLACEHOLDER = "REPLACE_WITH_KMS_KEY_ARN"
#: Checkov checks that judge each resource type (a relax writes a skip only where the check looks).
CHECKOV_JUDGES = {"CKV_AWS_157": "instance", "CKV_AWS_161": "instance", "CKV_AWS_118": "member",
                  "CKV_AWS_162": "cluster"}
#: stackprint rules that judge a database's own settings: on the instance, or on the cluster for Aurora.
AUDIT_JUDGES = {"DATA004": "database", "DATA005": "database", "DATA006": "database", "DATA007": "database",
                "DATA008": "database"}
AURORA_MEMBER_TLS = ("CKV2_AWS_69", "Aurora member: TLS is forced by the cluster's DB cluster parameter group "
                                    "(require_secure_transport / rds.force_ssl), which applies to every member")


def kms_parameters(layout: Layout) -> list[str]:
    """Names of the data-stack parameters that hold customer KMS key ARNs, sorted."""
    return sorted({d.kms_key_parameter for d in layout.databases if d.kms_key_parameter})


def parameters(layout: Layout) -> list[StackParameter]:
    """The data stack's parameters: the customer KMS keys of database storage."""
    return [StackParameter(name, "ARN of the customer-managed KMS key for database storage", KMS_KEY_PATTERN,
                           "must be a KMS key or alias ARN", KMS_PLACEHOLDER) for name in kms_parameters(layout)]


#: The roles each kind of resource plays for the checks above.
INSTANCE, CLUSTER, MEMBER = {"instance", "member", "database"}, {"cluster", "database"}, {"member"}


def _relax(resource, db: DatabasePlan, roles: set[str]) -> None:
    """Write the suppressions of every default ``db`` relaxed, limited to the checks that judge a resource playing
    ``roles`` (:data:`INSTANCE`, :data:`CLUSTER` or :data:`MEMBER`), with the blueprint's reason."""
    for setting, reason in db.relax.items():
        checkov_ids, rules = RELAXATIONS[f"database.{setting}"]
        add_suppressions(resource, **suppressions(
            f"database.{setting}", reason, checkov_ids=[c for c in checkov_ids if CHECKOV_JUDGES[c] in roles],
            rules=[r for r in rules if AUDIT_JUDGES[r] in roles]))


def _kms(db: DatabasePlan) -> dict:
    if db.kms_key_parameter:
        return {"KmsKeyId": Ref(db.kms_key_parameter)}
    return {"KmsKeyId": db.kms_key_arn} if db.kms_key_arn else {}


def _monitoring(db: DatabasePlan) -> dict:
    if not db.enhanced_monitoring:
        return {}
    return {"MonitoringInterval": MONITORING_INTERVAL, "MonitoringRoleArn": GetAtt(MONITORING_ROLE, "Arn")}


def _add_monitoring_role(template: Template) -> None:
    """The role RDS assumes to publish OS metrics (enhanced monitoring), with the AWS-managed policy only."""
    template.add_resource(iam.Role(
        MONITORING_ROLE,
        AssumeRolePolicyDocument={"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "monitoring.rds.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": Ref("AWS::AccountId")}}}]},
        ManagedPolicyArns=[Sub(MONITORING_POLICY)]))


def _add_instance(template: Template, db: DatabasePlan, network: str, common: dict) -> rds.DBInstance:
    instance = rds.DBInstance(
        db.members[0], Engine=db.engine, EngineVersion=db.engine_version,
        DBInstanceClass=db.instance_class, AllocatedStorage=str(db.storage), StorageType="gp3",
        DBName=db.database_name, MasterUsername=db.username, ManageMasterUserPassword=True,
        MultiAZ=db.multi_az, PubliclyAccessible=False, DBParameterGroupName=Ref(f"{db.prefix}ParameterGroup"),
        VPCSecurityGroups=[exports.import_value(network, exports.group_id(db.security_group))],
        DeletionPolicy="Snapshot", UpdateReplacePolicy="Snapshot",
        **common, **_monitoring(db), **_kms(db))
    _relax(instance, db, INSTANCE)
    return template.add_resource(instance)


def _add_cluster(template: Template, db: DatabasePlan, network: str, common: dict) -> None:
    template.add_resource(rds.DBClusterParameterGroup(
        f"{db.prefix}ClusterParameterGroup", Family=db.family, Parameters=db.tls_parameters,
        Description=f"{db.name}: refuse connections without TLS"))
    cluster = rds.DBCluster(
        f"{db.prefix}Cluster", Engine=db.engine, EngineVersion=db.engine_version,
        DatabaseName=db.database_name, MasterUsername=db.username, ManageMasterUserPassword=True,
        Port=db.port, DBClusterParameterGroupName=Ref(f"{db.prefix}ClusterParameterGroup"),
        VpcSecurityGroupIds=[exports.import_value(network, exports.group_id(db.security_group))],
        DeletionPolicy="Snapshot", UpdateReplacePolicy="Snapshot",
        **{k: v for k, v in common.items() if k != "AutoMinorVersionUpgrade"}, **_kms(db))
    _relax(cluster, db, CLUSTER)
    template.add_resource(cluster)
    for member in db.members:
        instance = rds.DBInstance(
            member, Engine=db.engine, DBClusterIdentifier=Ref(cluster.title),
            DBInstanceClass=db.instance_class, PubliclyAccessible=False,
            AutoMinorVersionUpgrade=True, **_monitoring(db))
        add_suppressions(instance, checkov=(AURORA_MEMBER_TLS,))
        _relax(instance, db, MEMBER)
        template.add_resource(instance)


def _add_database(template: Template, db: DatabasePlan, network: str, stack_name: str) -> None:
    template.add_resource(rds.DBSubnetGroup(
        f"{db.prefix}SubnetGroup", DBSubnetGroupDescription=f"{db.name}: isolated subnets (no route out of the VPC)",
        SubnetIds=Split(",", exports.import_value(network, exports.ISOLATED_SUBNET_IDS))))
    common = dict(StorageEncrypted=True, DeletionProtection=db.deletion_protection,
                  EnableIAMDatabaseAuthentication=db.iam_authentication,
                  BackupRetentionPeriod=db.backup_retention_days, CopyTagsToSnapshot=True,
                  AutoMinorVersionUpgrade=True, EnableCloudwatchLogsExports=list(db.log_exports),
                  DBSubnetGroupName=Ref(f"{db.prefix}SubnetGroup"))
    if db.aurora:
        _add_cluster(template, db, network, common)
    else:
        template.add_resource(rds.DBParameterGroup(
            f"{db.prefix}ParameterGroup", Family=db.family, Parameters=db.tls_parameters,
            Description=f"{db.name}: refuse connections without TLS"))
        _add_instance(template, db, network, common)
    address = "Endpoint.Address"
    exports.export(template, stack_name, exports.database_address(db.name), GetAtt(db.resource, address),
                   f"Host name of the {db.name} database" + (" (the cluster's writer endpoint)" if db.aurora else ""))
    exports.export(template, stack_name, exports.database_port(db.name), GetAtt(db.resource, "Endpoint.Port"),
                   f"Port of the {db.name} database")
    exports.export(template, stack_name, exports.database_secret_arn(db.name),
                   GetAtt(db.resource, "MasterUserSecret.SecretArn"),
                   f"ARN of the Secrets Manager secret RDS manages for the {db.name} master user")


BACKUP_VAULT = "BackupVault"
BACKUP_ROLE = "BackupRole"
BACKUP_VAULT_KEY = "BackupVaultKey"
BACKUP_POLICIES = ("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
                   "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores")
#: Daily at 03:00 UTC, inside RDS's own default backup window range; a job that cannot start in an hour is skipped.
BACKUP_SCHEDULE = "cron(0 3 * * ? *)"
BACKUP_START_WINDOW_MINUTES, BACKUP_COMPLETION_WINDOW_MINUTES = 60, 360
#: AWS Backup vault names: 2 to 50 of letters, digits, - and _.
VAULT_NAME_MAX = 50


def vault_name(stack_name: str) -> str:
    """The stack's vault name: the stack name, shortened with a stable hash when it is longer than AWS allows."""
    if len(stack_name) <= VAULT_NAME_MAX:
        return stack_name
    digest = hashlib.sha256(stack_name.encode()).hexdigest()[:8]
    return f"{stack_name[:VAULT_NAME_MAX - 9]}-{digest}"


def _vault_key(template: Template, protected: list[DatabasePlan]):
    """The key the vault is encrypted with: the databases' own customer key when they share one, else a customer
    key of this stack (rotated, administered by the account) so the vault never falls back to an AWS-managed key."""
    keys = {(db.kms_key_parameter, db.kms_key_arn) for db in protected}
    if len(keys) == 1:
        parameter, arn = next(iter(keys))
        if parameter:
            return Ref(parameter)
        if arn:
            return arn
    template.add_resource(kms.Key(
        BACKUP_VAULT_KEY, Description=Sub("${AWS::StackName}: AWS Backup vault encryption"), EnableKeyRotation=True,
        KeyPolicy={"Version": "2012-10-17", "Statement": [
            {"Sid": "AccountAdministration", "Effect": "Allow",
             "Principal": {"AWS": Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
             "Action": "kms:*", "Resource": "*"}]},
        DeletionPolicy="Retain", UpdateReplacePolicy="Retain"))
    return GetAtt(BACKUP_VAULT_KEY, "Arn")


def _database_arn(db: DatabasePlan) -> Sub:
    kind = "cluster" if db.aurora else "db"
    return Sub(f"arn:${{AWS::Partition}}:rds:${{AWS::Region}}:${{AWS::AccountId}}:{kind}:${{{db.resource}}}")


def add_backups(template: Template, layout: Layout, stack_name: str) -> None:
    """An AWS Backup plan per database with deletion protection (unless ``relax: {backup_plan: why}``): daily,
    kept the database's ``backup_retention_days``, into one vault of this stack encrypted with a customer key.

    Backups then live outside the database's own lifecycle: an instance deleted on purpose or by mistake (its
    automated snapshots go with it) can still be restored from the vault."""
    protected = [db for db in layout.databases if db.backup_plan]
    if not protected:
        return
    template.add_resource(backup.BackupVault(
        BACKUP_VAULT, BackupVaultName=vault_name(stack_name), EncryptionKeyArn=_vault_key(template, protected),
        DeletionPolicy="Retain", UpdateReplacePolicy="Retain"))
    template.add_resource(iam.Role(
        BACKUP_ROLE,
        AssumeRolePolicyDocument={"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": Ref("AWS::AccountId")}}}]},
        ManagedPolicyArns=[Sub(policy) for policy in BACKUP_POLICIES]))
    for db in protected:
        plan = f"{db.prefix}BackupPlan"
        template.add_resource(backup.BackupPlan(plan, BackupPlan=backup.BackupPlanResourceType(
            BackupPlanName=Sub(f"${{AWS::StackName}}-{db.name}"),
            BackupPlanRule=[backup.BackupRuleResourceType(
                RuleName="daily", TargetBackupVault=Ref(BACKUP_VAULT), ScheduleExpression=BACKUP_SCHEDULE,
                StartWindowMinutes=BACKUP_START_WINDOW_MINUTES,
                CompletionWindowMinutes=BACKUP_COMPLETION_WINDOW_MINUTES,
                Lifecycle=backup.LifecycleResourceType(DeleteAfterDays=db.backup_retention_days))])))
        template.add_resource(backup.BackupSelection(
            f"{db.prefix}BackupSelection", BackupPlanId=Ref(plan),
            BackupSelection=backup.BackupSelectionResourceType(
                SelectionName=db.name, IamRoleArn=GetAtt(BACKUP_ROLE, "Arn"), Resources=[_database_arn(db)])))


def data_template(layout: Layout, stack_name: str) -> Template:
    """The data stack of one environment: every database, importing the network stack's subnets and groups."""
    network = network_stack(layout.name, layout.env)
    template = Template(Description=f"stackprint {layout.name} {layout.env}: databases")
    template.set_version("2010-09-09")
    for parameter in parameters(layout):
        parameter.add_to(template)
    if any(db.enhanced_monitoring for db in layout.databases):
        _add_monitoring_role(template)
    for db in layout.databases:
        _add_database(template, db, network, stack_name)
    add_backups(template, layout, stack_name)
    return template
