"""DATA008: a protected RDS instance or cluster that no AWS Backup selection of its template covers."""
from generator.audit.resolve import literal_bool, references_in
from generator.audit.rules.base import PropertyCheck

SELECTION = "AWS::Backup::BackupSelection"


def backed_up(template) -> set:
    """Logical ids a backup selection of ``template`` names among its ``Resources`` (by Ref, GetAtt or Sub)."""
    found = set()
    for _selection_id, props in template.of_type(SELECTION):
        selection = props.get("BackupSelection")
        if isinstance(selection, dict):
            found |= references_in(selection.get("Resources"))
    return found


class RdsWithoutBackupPlan(PropertyCheck):
    id = "DATA008"
    severity = "low"
    title = "Protected RDS instance or cluster not in an AWS Backup plan"
    rationale = ("Automated RDS backups are deleted with the instance and kept 35 days at most; a database worth "
                 "deletion protection also deserves backups in a vault outside its own lifecycle, encrypted and "
                 "governed by a plan (cdk-nag NIST 800-53 / HIPAA RDSInBackupPlan, AWS Security Hub "
                 "RDS.26).")
    fix = ("Add an AWS::Backup::BackupPlan with a daily rule into an encrypted AWS::Backup::BackupVault, and an "
           "AWS::Backup::BackupSelection whose Resources name the database's ARN, in the same template.")
    resource_types = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")

    def judge(self, props, ctx, logical_id):
        if ctx.template.type_of(logical_id) == "AWS::RDS::DBInstance" and "DBClusterIdentifier" in props:
            return  # an Aurora member: the cluster is what is backed up
        if literal_bool(props.get("DeletionProtection")) is not True:
            return  # DATA005's business; a disposable database needs no plan
        if logical_id not in backed_up(ctx.template):
            yield (), "database with deletion protection is in no AWS Backup selection of this template"
