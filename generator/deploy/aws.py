"""boto3 clients for the deploy commands, and one line for every AWS error (never a traceback).

Credentials, profile and region problems are the user's to fix before anything can happen: exit 2. Errors AWS
returns while working (access denied, throttling past the retries, a failed validation) are exit 1.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass

from generator.errors import InputError

_HINTS = {
    "AccessDenied": "the credentials lack a permission; see the message for the action",
    "AccessDeniedException": "the credentials lack a permission; see the message for the action",
    "ExpiredToken": "the session expired; log in again (e.g. `aws sso login`)",
    "ExpiredTokenException": "the session expired; log in again (e.g. `aws sso login`)",
    "InvalidClientTokenId": "the access key is not valid in this account or partition",
    "UnrecognizedClientException": "the access key is not valid in this account or partition",
    "SignatureDoesNotMatch": "the secret access key does not match the access key",
    "Throttling": "AWS throttled the calls even after retrying; try again in a minute",
    "ThrottlingException": "AWS throttled the calls even after retrying; try again in a minute",
    "RequestLimitExceeded": "AWS throttled the calls even after retrying; try again in a minute",
}


class AwsError(InputError):
    """An AWS call failed; one line, exit 1 (or 2 for credentials/profile/region problems)."""

    def __init__(self, message: str, *, exit_code: int = 1, path: str | None = None):
        super().__init__(message, path=path)
        self.exit_code = exit_code


def error_code(exc) -> str:
    """The AWS error code of a botocore ClientError ('' for anything else)."""
    response = getattr(exc, "response", None) or {}
    return response.get("Error", {}).get("Code", "")


def described_stack(clients: Clients, name: str) -> dict | None:
    """The stack's description, or None when CloudFormation has no stack of that name (its ValidationError "Stack
    with id X does not exist"). Deploy, status and drift each decide which statuses count as deployed."""
    try:
        (stack,) = clients.cloudformation.describe_stacks(StackName=name)["Stacks"]
    except Exception as exc:
        if error_code(exc) == "ValidationError" and "does not exist" in str(exc):
            return None
        raise
    return stack


@contextmanager
def translated(where: str | None = None):
    """Turn botocore exceptions raised inside the block into :class:`AwsError` (``where``: the stack, if any)."""
    from botocore import exceptions as bx

    try:
        yield
    except bx.NoCredentialsError:
        raise AwsError("no AWS credentials found (pass --profile, set AWS_PROFILE, or export "
                       "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)", exit_code=2, path=where) from None
    except bx.ProfileNotFound as exc:
        raise AwsError(f"--profile: {exc} (profiles are listed by `aws configure list-profiles`)", exit_code=2,
                       path=where) from None
    except bx.NoRegionError:
        raise AwsError("no AWS region (pass --region or set AWS_REGION)", exit_code=2, path=where) from None
    except (bx.PartialCredentialsError, bx.CredentialRetrievalError, bx.TokenRetrievalError,
            bx.SSOTokenLoadError, bx.UnauthorizedSSOTokenError) as exc:
        raise AwsError(f"AWS credentials unusable: {exc}", exit_code=2, path=where) from None
    except bx.ClientError as exc:
        code = error_code(exc)
        message = exc.response.get("Error", {}).get("Message", "") or str(exc)
        hint = f" ({_HINTS[code]})" if code in _HINTS else ""
        raise AwsError(f"{code}: {message}{hint}", path=where) from None
    except bx.EndpointConnectionError as exc:
        raise AwsError(f"cannot reach AWS: {exc}", path=where) from None
    except bx.BotoCoreError as exc:
        raise AwsError(f"AWS call failed: {exc}", path=where) from None


@dataclass(frozen=True)
class Target:
    """Where and as whom to deploy: the options shared by deploy, destroy and status."""

    region: str | None = None
    profile: str | None = None
    role_arn: str | None = None


class Clients:
    """The CloudFormation (and, for big templates, S3) clients of one session, with standard retries."""

    def __init__(self, target: Target):
        import boto3
        from botocore.config import Config

        with translated():
            self.session = boto3.Session(profile_name=target.profile, region_name=target.region)
            # throttling is retried with backoff; AWS_MAX_ATTEMPTS still wins when the user sets it
            attempts = int(os.environ.get("AWS_MAX_ATTEMPTS") or 10)
            config = Config(retries={"mode": "standard", "max_attempts": attempts})
            self.cloudformation = self.session.client("cloudformation", config=config)
            self.region = self.cloudformation.meta.region_name
            self._config = config
        self.role_arn = target.role_arn
        self._s3 = None

    @property
    def s3(self):
        if self._s3 is None:
            with translated():
                self._s3 = self.session.client("s3", config=self._config)
        return self._s3
