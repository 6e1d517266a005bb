"""DATA005: an RDS instance or cluster without deletion protection."""
from generator.audit.resolve import literal_bool
from generator.audit.rules.base import PropertyCheck


class RdsDeletionProtection(PropertyCheck):
    id = "DATA005"
    severity = "medium"
    title = "RDS instance or cluster without deletion protection"
    rationale = ("Without deletion protection one API call, console click or stack change that replaces the "
                 "resource deletes the database; with it, the deletion fails until someone turns it off on purpose.")
    fix = "Set DeletionProtection: true (on the cluster for Aurora)."
    resource_types = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")

    def judge(self, props, ctx, logical_id):
        if ctx.template.type_of(logical_id) == "AWS::RDS::DBInstance" and "DBClusterIdentifier" in props:
            return  # an Aurora member: the cluster's setting applies
        if literal_bool(props.get("DeletionProtection")) in (None, False):
            where = ("Properties", "DeletionProtection") if "DeletionProtection" in props else ()
            yield where, "database has no deletion protection (DeletionProtection is not true)"
