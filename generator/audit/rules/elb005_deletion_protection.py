"""ELB005: a load balancer that one stack update or console click can delete."""
from generator.audit.balancers import V2, flag_not_true
from generator.audit.rules.base import PropertyCheck

KEY = "deletion_protection.enabled"


class DeletionUnprotected(PropertyCheck):
    id = "ELB005"
    severity = "low"
    title = "Load balancer without deletion protection"
    rationale = ("Without deletion protection a replaced resource, a mistaken stack deletion or a console click takes "
                 "the entry point of the application offline and frees its DNS name (AWS Security Hub ELB.6).")
    fix = f"Add LoadBalancerAttributes: [{{Key: {KEY}, Value: 'true'}}]."
    resource_types = (V2,)

    def judge(self, props, ctx, logical_id):
        where = flag_not_true(props, KEY)
        if where is not None:
            yield where, f"load balancer does not set {KEY} to true"
