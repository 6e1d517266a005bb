"""DATA004: an RDS instance without Multi-AZ, or an Aurora cluster with a single instance."""
from generator.audit.resolve import UNKNOWN, literal_bool
from generator.audit.rules.base import PropertyCheck


def cluster_members(ctx, cluster: str) -> list[str]:
    """DB instances of the template whose ``DBClusterIdentifier`` is ``!Ref cluster``."""
    members = []
    for logical_id, props in ctx.template.of_type("AWS::RDS::DBInstance"):
        ref = ctx.template.reference(props.get("DBClusterIdentifier"))
        if ref is not UNKNOWN and ref.logical_id == cluster:
            members.append(logical_id)
    return members


class RdsSingleZone(PropertyCheck):
    id = "DATA004"
    severity = "medium"
    title = "RDS instance without Multi-AZ, or Aurora cluster with one instance"
    rationale = ("A database in one availability zone stops with that zone: a standby (Multi-AZ) or an Aurora "
                 "reader in another zone takes over in about a minute instead of a restore from backup.")
    fix = "Set MultiAZ: true on the instance; give an Aurora cluster a second DB instance (a reader)."
    resource_types = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")

    def judge(self, props, ctx, logical_id):
        if ctx.template.type_of(logical_id) == "AWS::RDS::DBCluster":
            if "Engine" in props and isinstance(props["Engine"], str) and not props["Engine"].startswith("aurora"):
                return  # a Multi-AZ DB cluster (mysql/postgres engine) always spans three zones
            if len(cluster_members(ctx, logical_id)) == 1:
                yield (), "Aurora cluster has a single DB instance in this template (no reader in another zone)"
            return
        if "DBClusterIdentifier" in props or "SourceDBInstanceIdentifier" in props:
            return  # an Aurora member (judged on its cluster) or a read replica
        if literal_bool(props.get("MultiAZ")) in (None, False):
            where = ("Properties", "MultiAZ") if "MultiAZ" in props else ()
            yield where, "database instance is not Multi-AZ (MultiAZ is not true)"
