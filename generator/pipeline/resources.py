"""The pipeline's own resources, secure by default: a customer-managed key, the artifact bucket encrypted with it
(versioned, public access blocked, TLS only, access-logged), its log bucket, and a least-privilege pipeline role.

The roles CloudFormation deploys with are not created here: they are parameters (one per environment), because in
a multi-account setup they live in the target accounts and belong to whoever administers those.
"""
from __future__ import annotations

from troposphere import GetAtt, If, NoValue, Ref, Sub, iam, kms, s3

from generator.pipeline.inputs import Environment
from generator.naming import pascal
from generator.pipeline.parameters import CONNECTION, action_role_condition, action_role_name, role_name
from generator.pipeline.stages import CHANGE_SET_NAME
from generator.pipeline.suppressions import LOG_BUCKET_SELF_LOGGING, checkov_metadata

KEY = "ArtifactKey"
BUCKET = "ArtifactBucket"
LOG_BUCKET = "ArtifactLogBucket"
ROLE = "PipelineRole"
ARTIFACT_EXPIRY_DAYS = 180
LOG_EXPIRY_DAYS = 365
NONCURRENT_DAYS = 30
RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}


def _public_access_block() -> s3.PublicAccessBlockConfiguration:
    return s3.PublicAccessBlockConfiguration(BlockPublicAcls=True, BlockPublicPolicy=True, IgnorePublicAcls=True,
                                             RestrictPublicBuckets=True)


def _owner_enforced() -> s3.OwnershipControls:
    return s3.OwnershipControls(Rules=[s3.OwnershipControlsRule(ObjectOwnership="BucketOwnerEnforced")])


def _lifecycle(rule: str, days: int) -> s3.LifecycleConfiguration:
    return s3.LifecycleConfiguration(Rules=[s3.LifecycleRule(
        Id=rule, Status="Enabled", ExpirationInDays=days,
        NoncurrentVersionExpiration=s3.NoncurrentVersionExpiration(NoncurrentDays=NONCURRENT_DAYS),
        AbortIncompleteMultipartUpload=s3.AbortIncompleteMultipartUpload(DaysAfterInitiation=1))])


def _deny_insecure_transport(bucket: str) -> dict:
    return {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [GetAtt(bucket, "Arn"), Sub(f"${{{bucket}.Arn}}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def _for_action_roles(environments: list[Environment], statement) -> list:
    """One statement per environment, present only when that environment's action role ARN is given."""
    return [If(action_role_condition(env.name), statement(env), NoValue) for env in environments]


def key(environments: list[Environment]) -> kms.Key:
    """The artifact key: administered by the account, rotated yearly, usable by the cross-account action roles."""
    administer = {"Sid": "AccountAdministers", "Effect": "Allow",
                  "Principal": {"AWS": Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                  "Action": "kms:*", "Resource": "*"}
    return kms.Key(KEY, Description=Sub("Encrypts the artifacts of the pipeline of stack ${AWS::StackName}"),
                   EnableKeyRotation=True, KeyPolicy={"Version": "2012-10-17", "Statement": [administer] +
                   _for_action_roles(environments, lambda env: {
                       "Sid": f"{pascal(env.name)}ActionRoleUsesKey",
                       "Effect": "Allow", "Principal": {"AWS": Ref(action_role_name(env.name))},
                       "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
                       "Resource": "*"})}, **RETAIN)


def log_bucket() -> list:
    """Receives the artifact bucket's server access logs (SSE-S3: the only encryption S3 log delivery supports)."""
    bucket = s3.Bucket(
        LOG_BUCKET,
        BucketEncryption=s3.BucketEncryption(ServerSideEncryptionConfiguration=[s3.ServerSideEncryptionRule(
            ServerSideEncryptionByDefault=s3.ServerSideEncryptionByDefault(SSEAlgorithm="AES256"))]),
        PublicAccessBlockConfiguration=_public_access_block(), OwnershipControls=_owner_enforced(),
        VersioningConfiguration=s3.VersioningConfiguration(Status="Enabled"),
        LifecycleConfiguration=_lifecycle("expire-access-logs", LOG_EXPIRY_DAYS),
        Metadata=checkov_metadata(LOG_BUCKET_SELF_LOGGING), **RETAIN)
    policy = s3.BucketPolicy(f"{LOG_BUCKET}Policy", Bucket=Ref(LOG_BUCKET), PolicyDocument={
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AllowS3LogDelivery", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": Sub(f"${{{LOG_BUCKET}.Arn}}/*"),
             "Condition": {"ArnLike": {"aws:SourceArn": GetAtt(BUCKET, "Arn")},
                           "StringEquals": {"aws:SourceAccount": Ref("AWS::AccountId")}}},
            _deny_insecure_transport(LOG_BUCKET),
        ]})
    return [bucket, policy]


def artifact_bucket(environments: list[Environment]) -> list:
    """The pipeline's artifact store: KMS-encrypted with :func:`key`, versioned, private, TLS only, logged."""
    bucket = s3.Bucket(
        BUCKET,
        BucketEncryption=s3.BucketEncryption(ServerSideEncryptionConfiguration=[s3.ServerSideEncryptionRule(
            BucketKeyEnabled=True, ServerSideEncryptionByDefault=s3.ServerSideEncryptionByDefault(
                SSEAlgorithm="aws:kms", KMSMasterKeyID=GetAtt(KEY, "Arn")))]),
        PublicAccessBlockConfiguration=_public_access_block(), OwnershipControls=_owner_enforced(),
        VersioningConfiguration=s3.VersioningConfiguration(Status="Enabled"),
        LifecycleConfiguration=_lifecycle("expire-artifacts", ARTIFACT_EXPIRY_DAYS),
        LoggingConfiguration=s3.LoggingConfiguration(DestinationBucketName=Ref(LOG_BUCKET),
                                                     LogFilePrefix="artifact-bucket/"), **RETAIN)
    policy = s3.BucketPolicy(f"{BUCKET}Policy", Bucket=Ref(BUCKET), PolicyDocument={
        "Version": "2012-10-17",
        "Statement": [_deny_insecure_transport(BUCKET)] + _for_action_roles(environments, lambda env: {
            "Sid": f"{pascal(env.name)}ActionRoleReadsArtifacts",
            "Effect": "Allow", "Principal": {"AWS": Ref(action_role_name(env.name))},
            "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
            "Resource": Sub(f"${{{BUCKET}.Arn}}/*")})})
    return [bucket, policy]


def _stack_arns(blueprint: str, environments: list[Environment]) -> list:
    """The stacks of this blueprint's environments, in the pipeline's account and region."""
    return [Sub(f"arn:${{AWS::Partition}}:cloudformation:${{AWS::Region}}:${{AWS::AccountId}}:stack/"
                f"{blueprint}-{env.name}-*/*") for env in environments]


def _commands_logs() -> dict:
    """The Commands actions of the batched layout write their output to the pipeline's own log group."""
    group = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/codepipeline/${AWS::StackName}"
    return {"Sid": "CommandsLogs", "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [Sub(group), Sub(group + ":log-stream:*")]}


def pipeline_role(blueprint: str, environments: list[Environment], batched: bool = False) -> iam.Role:
    """What CodePipeline runs as: the artifact bucket and key, the connection, this blueprint's stacks, and passing
    only the given CloudFormation roles, only to CloudFormation (plus, for the batched layout's Commands actions,
    writing their logs to the pipeline's log group)."""
    statements = [
        {"Sid": "ArtifactObjects", "Effect": "Allow",
         "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"], "Resource": Sub(f"${{{BUCKET}.Arn}}/*")},
        {"Sid": "ArtifactBucket", "Effect": "Allow", "Action": ["s3:GetBucketLocation", "s3:GetBucketVersioning"],
         "Resource": GetAtt(BUCKET, "Arn")},
        {"Sid": "ArtifactKey", "Effect": "Allow",
         "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
         "Resource": GetAtt(KEY, "Arn")},
        {"Sid": "SourceConnection", "Effect": "Allow",
         "Action": ["codeconnections:UseConnection", "codestar-connections:UseConnection"],
         "Resource": Ref(CONNECTION)},
        {"Sid": "ChangeSets", "Effect": "Allow",
         "Action": ["cloudformation:CreateChangeSet", "cloudformation:DeleteChangeSet",
                    "cloudformation:DescribeChangeSet", "cloudformation:ExecuteChangeSet"],
         "Resource": _stack_arns(blueprint, environments),
         "Condition": {"StringEquals": {"cloudformation:ChangeSetName": CHANGE_SET_NAME}}},
        {"Sid": "Stacks", "Effect": "Allow",
         "Action": ["cloudformation:DescribeStacks", "cloudformation:ListChangeSets"] if batched
         else "cloudformation:DescribeStacks", "Resource": _stack_arns(blueprint, environments)},
        {"Sid": "PassCloudFormationRoles", "Effect": "Allow", "Action": "iam:PassRole",
         "Resource": [Ref(role_name(env.name)) for env in environments],
         "Condition": {"StringEquals": {"iam:PassedToService": "cloudformation.amazonaws.com"}}},
    ] + _for_action_roles(environments, lambda env: {
        "Sid": f"Assume{pascal(env.name)}ActionRole", "Effect": "Allow",
        "Action": "sts:AssumeRole", "Resource": Ref(action_role_name(env.name))})
    if batched:
        statements.append(_commands_logs())
    return iam.Role(ROLE, AssumeRolePolicyDocument={"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "codepipeline.amazonaws.com"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": Ref("AWS::AccountId")}}}]},
        Policies=[iam.Policy(PolicyName="deploy-blueprint", PolicyDocument={"Version": "2012-10-17",
                                                                            "Statement": statements})])
