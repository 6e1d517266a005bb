"""The runtime of the inline functions stackprint writes (the default-group restriction, the guardrails' auto-revert).

The newest Python runtime that both CloudFormation (the ``AWS::Lambda::Function`` schema cfn-lint ships) and Lambda
(the runtime lifecycle cfn-lint ships, from Lambda's runtime support policy) know and have not deprecated.
tests/test_runtimes.py recomputes it from the installed cfn-lint and fails when cfn-lint reports it deprecated
(rules E2531, E2533, W2531) or a newer one is supported: upgrading cfn-lint is how this constant learns of a new
runtime.
"""
from __future__ import annotations

PYTHON_RUNTIME = "python3.14"
