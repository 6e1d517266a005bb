"""NET001: a VPC without a flow log."""
from generator.audit.resolve import UNKNOWN, literal
from generator.audit.rules.base import Hit, Rule


class VpcWithoutFlowLog(Rule):
    id = "NET001"
    severity = "medium"
    title = "VPC without a flow log"
    rationale = ("Flow logs are the only record of who talked to what; without them an incident cannot be "
                 "investigated and rejected traffic goes unseen.")
    fix = "Add an AWS::EC2::FlowLog with ResourceType VPC and ResourceId !Ref <the VPC> (TrafficType ALL)."

    def check(self, ctx):
        template = ctx.template
        logged = set()
        for _, props in template.of_type("AWS::EC2::FlowLog"):
            kind = literal(props.get("ResourceType"))
            if kind is not UNKNOWN and kind != "VPC":
                continue
            target = props.get("ResourceId")
            if target is None and isinstance(props.get("ResourceIds"), list):
                targets = props["ResourceIds"]
            else:
                targets = [target]
            for value in targets:
                ref = template.reference(value)
                if ref is UNKNOWN:
                    return  # a flow log on an unknown resource may cover any VPC
                logged.add(ref.logical_id)
        for vpc_id in template.by_type.get("AWS::EC2::VPC", ()):
            if vpc_id not in logged:
                yield Hit(vpc_id, ("Resources", vpc_id), "VPC has no AWS::EC2::FlowLog")
