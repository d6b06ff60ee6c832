"""Advisory rule ids: findings about how a secret is handled, not about a literal secret.

They are not rows of the rule table (no pattern finds them; the platform modules raise them), yet they are
rule ids all the same: a repository may disable them (`rules.disable`), SARIF lists them as rules, and the
line-level fixes treat them as holding no secret. This module is their one list.
"""

from __future__ import annotations

ENV_PROVIDER_WIDE = "env-provider-wide"
SSM_LEGACY_SUFFIX = "ssm-legacy-decrypt-suffix"
SSM_SECURE_IN_LAMBDA_ENV = "ssm-secure-in-lambda-env"
NOECHO_MISSING = "noecho-missing"

ADVISORY_DOCS = {
    ENV_PROVIDER_WIDE: "https://www.serverless.com/framework/docs/providers/aws/guide/functions#environment-variables",
    SSM_LEGACY_SUFFIX: "https://www.serverless.com/framework/docs/guides/variables/aws/ssm",
    SSM_SECURE_IN_LAMBDA_ENV: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-ssm-secure-strings.html",
    NOECHO_MISSING: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html",
}
ADVISORY_DESCRIPTIONS = {
    ENV_PROVIDER_WIDE: "Secret-bearing variable in an environment shared by every function",
    SSM_LEGACY_SUFFIX: "Serverless v1/v2 `~true` SSM suffix in a v3/v4 service",
    SSM_SECURE_IN_LAMBDA_ENV: "ssm-secure dynamic reference in a Lambda environment variable",
    NOECHO_MISSING: "Secret-like CloudFormation parameter without NoEcho",
}
ADVISORY_IDS = frozenset(ADVISORY_DESCRIPTIONS)
