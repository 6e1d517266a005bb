"""DATA006: an RDS instance or cluster keeping automated backups for less than 7 days, or none."""
from generator.audit.resolve import UNKNOWN, literal_int
from generator.audit.rules.base import PropertyCheck

MIN_DAYS = 7
DEFAULT_DAYS = 1  # what CloudFormation uses when BackupRetentionPeriod is absent


class RdsBackupRetention(PropertyCheck):
    id = "DATA006"
    severity = "medium"
    title = "RDS backup retention below 7 days or disabled"
    rationale = ("Point-in-time recovery reaches back only as far as the retention: with 0 there are no automated "
                 "backups at all, and with 1 a problem noticed after a weekend cannot be undone.")
    fix = f"Set BackupRetentionPeriod to {MIN_DAYS} or more (at most 35)."
    resource_types = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")

    def judge(self, props, ctx, logical_id):
        if ctx.template.type_of(logical_id) == "AWS::RDS::DBInstance" and (
                "DBClusterIdentifier" in props or "SourceDBInstanceIdentifier" in props):
            return  # an Aurora member (the cluster keeps the backups) or a read replica
        if "BackupRetentionPeriod" not in props:
            yield (), f"backup retention is the default {DEFAULT_DAYS} day (set BackupRetentionPeriod)"
            return
        days = literal_int(props["BackupRetentionPeriod"])
        if days is UNKNOWN or days >= MIN_DAYS:
            return
        what = "automated backups are disabled" if days == 0 else f"backups are kept {days} day(s)"
        yield ("Properties", "BackupRetentionPeriod"), f"{what} (keep at least {MIN_DAYS})"
