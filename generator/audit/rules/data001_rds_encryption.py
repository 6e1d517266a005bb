"""DATA001: an RDS instance or cluster without storage encryption."""
from generator.audit.resolve import UNKNOWN, literal, literal_bool
from generator.audit.rules.base import PropertyCheck


class RdsUnencrypted(PropertyCheck):
    id = "DATA001"
    severity = "high"
    title = "RDS instance or cluster without storage encryption"
    rationale = ("Unencrypted storage, snapshots and replicas expose the data to anyone who obtains a snapshot or "
                 "a disk; encryption cannot be turned on later without a copy and a cut-over.")
    fix = "Set StorageEncrypted: true (and KmsKeyId for a customer-managed key)."
    resource_types = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")

    def judge(self, props, ctx, logical_id):
        kind = ctx.template.type_of(logical_id)
        if kind == "AWS::RDS::DBInstance" and "DBClusterIdentifier" in props:
            return  # an Aurora member: the cluster's setting applies
        if kind == "AWS::RDS::DBCluster" and literal(props.get("EngineMode")) == "serverless":
            return  # Aurora Serverless v1 is always encrypted
        if "SourceDBInstanceIdentifier" in props or "SnapshotIdentifier" in props or \
                "DBSnapshotIdentifier" in props:
            return  # replicas and restores inherit encryption from their source
        value = literal_bool(props.get("StorageEncrypted"))
        if value is UNKNOWN or value is True:
            return
        where = ("Properties", "StorageEncrypted") if "StorageEncrypted" in props else ()
        yield where, "database storage is not encrypted (StorageEncrypted is not true)"
