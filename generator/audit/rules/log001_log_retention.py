"""LOG001: a log group that keeps logs forever."""
from generator.audit.rules.base import PropertyCheck


class LogGroupWithoutRetention(PropertyCheck):
    id = "LOG001"
    severity = "low"
    title = "Log group without retention"
    rationale = ("Without RetentionInDays logs are kept (and billed) forever, including any personal data or "
                 "secrets they leaked; retention is also what audit standards ask to be set deliberately.")
    fix = "Set RetentionInDays (e.g. 30, 90 or 365) to what your compliance rules require."
    resource_types = ("AWS::Logs::LogGroup",)

    def judge(self, props, ctx, logical_id):
        if props.get("RetentionInDays") is None:
            yield (), "log group has no RetentionInDays (logs are kept forever)"
