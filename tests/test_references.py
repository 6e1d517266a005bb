"""Images and secret references are classified once (generator/references.py), the same way where the model
validates them, where the execution role's permissions are written and where migrate decides a role is needed."""
from __future__ import annotations

import pytest

from generator.emit import templates
from generator.migrate.roles import needs
from generator.model import load_blueprint_text
from generator.model.vpc_endpoints import required_endpoints
from generator.plan import plan
from generator.references import SECRETS_MANAGER, SSM, private_ecr, secret_store

FIPS = "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/team/api:2.0"
PLAIN = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:2.0"
CHINA = "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/api:2.0"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
PARAMETER = "arn:aws:ssm:us-east-1:123456789012:parameter/app/token"


def _execution_policy(image: str, secrets: dict[str, str] | None = None) -> list[dict]:
    secrets_yaml = "{" + ", ".join(f"{k}: '{v}'" for k, v in (secrets or {}).items()) + "}"
    text = (f"name: shop\nnetwork: {{cidr: 10.20.0.0/16, availability_zones: 2, nat: single}}\nservices:\n"
            f"  worker: {{image: '{image}', secrets: {secrets_yaml}}}\n")
    (bp,) = load_blueprint_text(text, "shop.yaml").values()
    resources = templates(plan(bp))["shop-default-worker"].to_dict()["Resources"]
    (policy,) = resources["ExecutionRole"]["Properties"]["Policies"]
    return policy["PolicyDocument"]["Statement"]


def _actions(statements) -> list[str]:
    found = []
    for statement in statements:
        action = statement["Action"]
        found += action if isinstance(action, list) else [action]
    return sorted(found)


@pytest.mark.parametrize("image,region", [(FIPS, "us-gov-west-1"), (PLAIN, "eu-west-1"), (CHINA, "cn-north-1")])
def test_a_private_ecr_image_gets_pull_permissions_on_its_repository(image, region):
    statements = _execution_policy(image)
    assert {"ecr:BatchGetImage", "ecr:GetAuthorizationToken", "ecr:GetDownloadUrlForLayer"} <= set(_actions(statements))
    (pull,) = [s for s in statements if isinstance(s["Action"], list) and "ecr:BatchGetImage" in s["Action"]]
    repository = private_ecr(image).repository
    assert pull["Resource"] == {"Fn::Sub": f"arn:${{AWS::Partition}}:ecr:{region}:123456789012:repository/{repository}"}


def test_a_public_image_gets_no_ecr_permission():
    assert not [a for a in _actions(_execution_policy("public.ecr.aws/nginx/nginx:1.27")) if a.startswith("ecr:")]


def test_secrets_are_granted_by_their_store():
    statements = _execution_policy("public.ecr.aws/nginx/nginx:1.27", {"DB": SECRET, "TOKEN": PARAMETER})
    by_action = {s["Action"]: s["Resource"] for s in statements if isinstance(s["Action"], str)}
    assert by_action["secretsmanager:GetSecretValue"] == [SECRET]
    assert by_action["ssm:GetParameters"] == [PARAMETER]


def test_every_stage_agrees_on_a_fips_image():
    assert private_ecr(FIPS).fips and private_ecr(FIPS).region == "us-gov-west-1"
    assert needs({"containerDefinitions": [{"name": "api", "image": FIPS}]}) == [
        "containerDefinitions[0] (api) pulls its image from ECR"]
    assert private_ecr("public.ecr.aws/nginx/nginx:1.27") is None
    assert private_ecr("docker.io/library/nginx:1.27") is None


def test_secret_stores():
    assert secret_store(SECRET) == SECRETS_MANAGER
    assert secret_store(SECRET + ":password::") == SECRETS_MANAGER
    assert secret_store(PARAMETER) == SSM
    assert secret_store("arn:aws:s3:::bucket/secretsmanager:x") is None


def test_endpoints_follow_the_secret_store():
    text = (f"name: shop\nnetwork: {{cidr: 10.20.0.0/16, availability_zones: 2, nat: single}}\nservices:\n"
            f"  worker: {{image: '{PLAIN}', secrets: {{TOKEN: '{PARAMETER}'}}}}\n")
    (bp,) = load_blueprint_text(text, "shop.yaml").values()
    assert "ssm" in required_endpoints(bp) and "secretsmanager" not in required_endpoints(bp)
