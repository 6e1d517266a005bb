"""Application load balancers, one stack each, with their listeners; the encrypted access-log bucket they share.

A balancer's stack holds its security group, its targets groups (one per container port it routes to), the
balancer, its listeners and every rule whose protected side is the balancer or its targets (see
:mod:`generator.plan.stacks`); additions per balancer (its WAF web ACL, :mod:`generator.emit.waf`) belong in :func:`balancer_template`.
The shared access-log bucket lives in the network stack (:func:`add_log_bucket`), which exports its name.

With HTTPS: a 443 listener with the blueprint's TLS policy and an 80 listener that only answers 301 to HTTPS
(none for an internal balancer with end-to-end TLS, nor for a CloudFront-only one). Without (internal balancers
only): one HTTP listener on 80. Every internet-facing balancer gets its WAF web ACL (:mod:`generator.emit.waf`). Unmatched requests get a fixed 404, so nothing is
forwarded unless a route says so. Access logs go to a bucket that only the ELB log-delivery account may write to,
over TLS only.
"""
from __future__ import annotations

from troposphere import FindInMap, GetAtt, Ref, Split, Sub, Template
from troposphere import elasticloadbalancingv2 as elb
from troposphere import s3

from generator.emit import exports, network_balancers, security, waf
from generator.emit.parameters import StackParameter
from generator.emit.scanner_metadata import INTERNAL_HTTP, LOG_BUCKET_SELF_LOGGING, checkov_metadata, relax
from generator.plan import BalancerPlan, Layout
from generator.plan.flows import CLOUDFRONT_PREFIX_LIST, CLOUDFRONT_PREFIX_LIST_PARAMETER, HTTP_PORT, HTTPS_PORT
from generator.plan.names import balancer_group

ACCESS_LOG_EXPIRY_DAYS = 90  # long enough to investigate an incident, short enough not to hoard request logs
CERTIFICATE_PATTERN = r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$"
PREFIX_LIST_PATTERN = r"^pl-[0-9a-f]+$"
#: config.json placeholders; each parameter's pattern rejects its placeholder, so a forgotten one fails the deploy.
CERTIFICATE_PLACEHOLDER = "REPLACE_WITH_ACM_CERTIFICATE_ARN"
PREFIX_LIST_PLACEHOLDER = "REPLACE_WITH_CLOUDFRONT_PREFIX_LIST_ID"
SOURCE_PREFIX_LIST_PLACEHOLDER = "REPLACE_WITH_PREFIX_LIST_ID"
#: The command that prints the CloudFront origin-facing prefix-list id of the region a stack deploys to.
PREFIX_LIST_COMMAND = ("aws ec2 describe-managed-prefix-lists --filters "
                       f"Name=prefix-list-name,Values={CLOUDFRONT_PREFIX_LIST} "
                       "--query 'PrefixLists[0].PrefixListId' --output text")

#: Elastic Load Balancing's log-delivery account per region (ELB user guide, "Enable access logs").
ELB_ACCOUNTS = {
    "af-south-1": "098369216593", "ap-east-1": "754344448648", "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887", "ap-northeast-3": "383597477331", "ap-south-1": "718504428378",
    "ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266", "ap-southeast-3": "589379963580",
    "ca-central-1": "985666609251", "eu-central-1": "054676820928", "eu-north-1": "897822967062",
    "eu-south-1": "635631232127", "eu-west-1": "156460612806", "eu-west-2": "652711504416",
    "eu-west-3": "009996457667", "me-south-1": "076674570225", "sa-east-1": "507241528517",
    "us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980",
    "us-west-2": "797873946194",
}


def certificate_parameters(balancer: BalancerPlan) -> list[str]:
    """Names of the stack parameters a pipeline must supply to the balancer's stack (its certificate ARN)."""
    return [balancer.certificate_parameter] if balancer.certificate_parameter else []


def prefix_list_parameters(balancer: BalancerPlan) -> list[str]:
    """Names of the managed prefix-list id parameters the balancer's stack takes (CloudFront-only balancers)."""
    return [CLOUDFRONT_PREFIX_LIST_PARAMETER] if balancer.cloudfront_only else []


def source_parameters(balancer: BalancerPlan) -> list[StackParameter]:
    """The prefix-list ids of the balancer's listed sources that the pipeline supplies (``{parameter: Name}``)."""
    return [StackParameter(name, "Id of a managed prefix list the load balancer admits (allow_from)",
                           PREFIX_LIST_PATTERN, "must be a prefix list id (pl-...)", SOURCE_PREFIX_LIST_PLACEHOLDER,
                           guidance="Id of the managed prefix list of this allowed source "
                                    "(`aws ec2 describe-managed-prefix-lists`)")
            for name in balancer.source_parameters]


def parameters(balancer: BalancerPlan) -> list[StackParameter]:
    """The balancer stack's parameters: its certificate ARN, the CloudFront prefix-list id, then the prefix-list ids
    of its listed sources."""
    what = "the TLS listeners" if balancer.network else "the HTTPS listener"
    found = [StackParameter(name, f"ARN of the ACM certificate for {what}", CERTIFICATE_PATTERN,
                            "must be an ACM certificate ARN", CERTIFICATE_PLACEHOLDER)
             for name in certificate_parameters(balancer)]
    found += [StackParameter(name, f"Id of the AWS-managed prefix list {CLOUDFRONT_PREFIX_LIST} in this region "
                                   "(aws ec2 describe-managed-prefix-lists)", PREFIX_LIST_PATTERN,
                             "must be a prefix list id (pl-...)", PREFIX_LIST_PLACEHOLDER,
                             guidance="Id of the CloudFront origin-facing prefix list in the stack's region: "
                                      f"`{PREFIX_LIST_COMMAND}`")
              for name in prefix_list_parameters(balancer)]
    return found + source_parameters(balancer)


def all_parameters(layout: Layout) -> list[StackParameter]:
    """Every balancer stack's parameters, once per name, in name order (what other stacks may need to take too)."""
    found = {p.name: p for balancer in layout.balancers for p in parameters(balancer)}
    return [found[name] for name in sorted(found)]


def add_log_bucket(template: Template, layout: Layout, stack_name: str) -> None:
    """The access-log bucket every balancer writes to (in the network stack, when there is a balancer): SSE-S3 (the
    only encryption ALB logs support), no public access, versioned, expiring."""
    if not layout.balancers:
        return
    template.add_mapping("ElbLogDeliveryAccount", {region: {"AccountId": account}
                                                   for region, account in sorted(ELB_ACCOUNTS.items())})
    template.add_resource(s3.Bucket(
        "AccessLogBucket",
        BucketEncryption=s3.BucketEncryption(ServerSideEncryptionConfiguration=[
            s3.ServerSideEncryptionRule(ServerSideEncryptionByDefault=s3.ServerSideEncryptionByDefault(
                SSEAlgorithm="AES256"))]),
        PublicAccessBlockConfiguration=s3.PublicAccessBlockConfiguration(
            BlockPublicAcls=True, BlockPublicPolicy=True, IgnorePublicAcls=True, RestrictPublicBuckets=True),
        OwnershipControls=s3.OwnershipControls(Rules=[s3.OwnershipControlsRule(ObjectOwnership="BucketOwnerEnforced")]),
        VersioningConfiguration=s3.VersioningConfiguration(Status="Enabled"),
        LifecycleConfiguration=s3.LifecycleConfiguration(Rules=[s3.LifecycleRule(
            Id="expire-access-logs", Status="Enabled", ExpirationInDays=ACCESS_LOG_EXPIRY_DAYS,
            NoncurrentVersionExpiration=s3.NoncurrentVersionExpiration(NoncurrentDays=1),
            AbortIncompleteMultipartUpload=s3.AbortIncompleteMultipartUpload(DaysAfterInitiation=1))]),
        Metadata=checkov_metadata(LOG_BUCKET_SELF_LOGGING),
        DeletionPolicy="Retain", UpdateReplacePolicy="Retain"))
    template.add_resource(s3.BucketPolicy("AccessLogBucketPolicy", Bucket=Ref("AccessLogBucket"), PolicyDocument={
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AllowElbLogDelivery", "Effect": "Allow",
             "Principal": {"AWS": Sub("arn:${AWS::Partition}:iam::${ElbAccount}:root", ElbAccount=
                                      _find_in_map())},
             "Action": "s3:PutObject",
             "Resource": Sub("${AccessLogBucket.Arn}/AWSLogs/${AWS::AccountId}/*")},
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [GetAtt("AccessLogBucket", "Arn"), Sub("${AccessLogBucket.Arn}/*")],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        ] + (network_balancers.log_delivery_statements() if any(b.network for b in layout.balancers) else [])}))
    exports.export(template, stack_name, exports.ACCESS_LOG_BUCKET, Ref("AccessLogBucket"),
                   "Bucket the load balancers write their access logs to")


def _find_in_map() -> FindInMap:
    return FindInMap("ElbLogDeliveryAccount", Ref("AWS::Region"), "AccountId")


def balancer_template(layout: Layout, name: str, stack_name: str) -> Template:
    """One balancer's stack: parameters, its groups and the rules on its side, the balancer and its listeners."""
    balancer = next(b for b in layout.balancers if b.name == name)
    network = layout.stack_of("network").name
    template = Template(Description=f"stackprint {layout.name} {layout.env}: {name} load balancer")
    template.set_version("2010-09-09")
    for parameter in parameters(balancer):
        parameter.add_to(template)
    security.add_security_groups(template, layout, stack_name, exports.import_value(network, exports.VPC_ID))
    security.add_rules(template, layout, stack_name)
    if balancer.network:
        network_balancers.add_network_balancer(template, layout, stack_name, balancer, network)
    else:
        _add_balancer(template, layout, stack_name, balancer, network)
    return template


def _add_balancer(template: Template, layout: Layout, stack_name: str, balancer: BalancerPlan, network: str) -> None:
    name, prefix, tier = balancer.name, balancer.prefix, balancer.tier
    lb_id = f"{prefix}LoadBalancer"
    protected = balancer.deletion_protection
    resource = template.add_resource(elb.LoadBalancer(
        lb_id, Type="application", Scheme=balancer.scheme, IpAddressType=balancer.ip_address_type,
        Subnets=Split(",", exports.import_value(network, exports.PUBLIC_SUBNET_IDS if tier == "public"
                                                else exports.PRIVATE_SUBNET_IDS)),
        SecurityGroups=[GetAtt(balancer_group(name), "GroupId")],
        LoadBalancerAttributes=[elb.LoadBalancerAttributes(Key=k, Value=v) for k, v in (
            ("access_logs.s3.enabled", "true"),
            ("access_logs.s3.bucket", exports.import_value(network, exports.ACCESS_LOG_BUCKET)),
            ("access_logs.s3.prefix", name),
            ("deletion_protection.enabled", "true" if protected else "false"),
            ("routing.http.desync_mitigation_mode", balancer.desync_mitigation),
            ("routing.http.drop_invalid_header_fields.enabled", "true"),
        )]))  # the bucket policy and the internet gateway's attachment: the network stack, deployed before
    relax(resource, "load_balancer", balancer.relax, "deletion_protection", "waf")
    waf.add_web_acl(template, balancer, lb_id, exports.import_value(network, exports.LOGS_KEY_ARN))
    not_found = [elb.Action(Type="fixed-response", FixedResponseConfig=elb.FixedResponseConfig(
        StatusCode="404", ContentType="text/plain", MessageBody="Not Found"))]
    if balancer.https:
        arn = Ref(balancer.certificate_parameter) if balancer.certificate_parameter else balancer.certificate_arn
        template.add_resource(elb.Listener(
            f"{prefix}HttpsListener", LoadBalancerArn=Ref(lb_id), Port=HTTPS_PORT, Protocol="HTTPS",
            SslPolicy=balancer.ssl_policy, Certificates=[elb.Certificate(CertificateArn=arn)],
            DefaultActions=not_found))
    if balancer.redirects_http:
        redirect = template.add_resource(elb.Listener(
            f"{prefix}HttpRedirectListener", LoadBalancerArn=Ref(lb_id), Port=HTTP_PORT, Protocol="HTTP",
            DefaultActions=[elb.Action(Type="redirect", RedirectConfig=elb.RedirectConfig(
                Protocol="HTTPS", Port=str(HTTPS_PORT), Host="#{host}", Path="/#{path}", Query="#{query}",
                StatusCode="HTTP_301"))]))
        relax(redirect, "load_balancer", balancer.relax, "end_to_end_tls")
    if balancer.https:
        listener = f"{prefix}HttpsListener"
    else:
        template.add_resource(elb.Listener(f"{prefix}HttpListener", LoadBalancerArn=Ref(lb_id), Port=HTTP_PORT,
                                           Protocol="HTTP", DefaultActions=not_found,
                                           Metadata=checkov_metadata(*INTERNAL_HTTP)))
        listener = f"{prefix}HttpListener"
    exports.export(template, stack_name, exports.listener_arn(name), Ref(listener),
                   f"Listener of the {name} load balancer that service routes attach to")
    exports.export(template, stack_name, exports.balancer_dns_name(name), GetAtt(lb_id, "DNSName"),
                   f"DNS name of the {name} load balancer")

