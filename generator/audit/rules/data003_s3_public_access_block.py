"""DATA003: an S3 bucket without all four public-access blocks."""
from generator.audit.resolve import UNKNOWN, is_intrinsic, literal_bool
from generator.audit.rules.base import PropertyCheck

BLOCKS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")


class BucketPublicAccess(PropertyCheck):
    id = "DATA003"
    severity = "medium"
    title = "S3 bucket without all four public-access blocks"
    rationale = ("Without every block, one ACL or bucket-policy change can publish the bucket; the blocks make "
                 "public access impossible whatever the policy says.")
    fix = "Set PublicAccessBlockConfiguration with " + ", ".join(BLOCKS) + " all true."
    resource_types = ("AWS::S3::Bucket",)

    def judge(self, props, ctx, logical_id):
        config = props.get("PublicAccessBlockConfiguration")
        if config is None:
            yield (), "bucket has no PublicAccessBlockConfiguration"
            return
        if not isinstance(config, dict) or is_intrinsic(config):
            return
        values = {block: literal_bool(config.get(block)) for block in BLOCKS}
        if UNKNOWN in values.values():
            return
        missing = [block for block, value in values.items() if value is not True]
        if missing:
            yield ("Properties", "PublicAccessBlockConfiguration"), f"bucket does not set {', '.join(missing)} true"
