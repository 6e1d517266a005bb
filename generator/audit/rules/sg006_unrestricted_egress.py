"""SG006: unrestricted egress, written or implicit."""
from generator.audit.resolve import UNKNOWN
from generator.audit.rules.base import Hit, Rule


class UnrestrictedEgress(Rule):
    id = "SG006"
    severity = "medium"
    title = "Unrestricted egress (all protocols to 0.0.0.0/0 or ::/0)"
    rationale = ("Open egress lets a compromised task exfiltrate data and reach any command-and-control host. A "
                 "group that declares no SecurityGroupEgress keeps AWS's implicit allow-all rule, even when "
                 "standalone SecurityGroupEgress resources add rules to it.")
    fix = ("Declare SecurityGroupEgress on the group with only the destinations and ports needed (e.g. tcp 443 to "
           "a VPC endpoint's group); to allow nothing, use the placeholder rule "
           "{IpProtocol: icmp, FromPort: 252, ToPort: 86, CidrIp: 255.255.255.255/32}.")

    def check(self, ctx):
        for rule in ctx.groups.rules:
            if rule.direction == "egress" and rule.is_all_protocols and rule.internet:
                yield Hit(rule.resource, rule.keypath, f"egress allows all protocols and ports to {rule.network}"
                          + rule.default_note())
        for group_id in ctx.template.by_type.get("AWS::EC2::SecurityGroup", ()):
            egress = ctx.groups.inline_egress(group_id)
            if egress is UNKNOWN or egress:
                continue
            yield Hit(group_id, ("Resources", group_id),
                      "group declares no SecurityGroupEgress, so AWS keeps its implicit allow-all egress "
                      "(all protocols to 0.0.0.0/0)")
