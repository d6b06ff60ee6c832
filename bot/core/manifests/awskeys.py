"""An IAM user's access key in a Lambda function's environment: revoke it and use the execution role.

Lambda reserves `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` and sets them from the
function's execution role, so the usual fix (store the value in SSM, reference it) is wrong here: it keeps a
long-lived user key alive and, for the reserved names, the deployment fails. Look-alikes (`AWS_KEY`,
`AWS_SECRET`, `SECRET_ACCESS_KEY`, or any variable holding an AKIA/ASIA key id or a 40-character secret
next to one) carry the same key, which the SDK would find in the role anyway. The fix deletes the variable,
deactivates then deletes the user's key, and grants the role what the code needs, where each platform
declares it.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.keymemo import PerKeyName
from bot.core.linear import LinearPattern
from bot.core.manifests.base import Role, Site, kebab
from bot.core.tree import KeyPath

RESERVED = frozenset({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"})
_KEY_RULES = frozenset({"aws-access-key-id", "aws-secret-access-key"})
# snake_case words of the variable's name: `awsSecretKey` -> `aws_secret_key`
# On RE2: key names and lines come from the repository, and `(?:\w+_)?` backtracks quadratically on `re`.
_LOOK_ALIKE = LinearPattern(
    r"(?:^|_)aws_(?:\w+_)?(?:key|secret|key_id|secret_key|token)$|(?:^|_)(?:access_key_id|secret_access_key)$",
    needs=("aws_", "access_key_id", "secret_access_key"),
)
_KEY_ID = LinearPattern(r"(?:^|[^A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?:[^A-Z0-9]|$)")
_SECRET_SHAPE = LinearPattern(r"[A-Za-z0-9/+]{40}")
_NEIGHBOURS = 3  # lines either side searched for the key id that pairs with a 40-character secret
_ENV_ROLES = (Role.ENV_VAR, Role.SHARED_ENV)
_ROLELESS = frozenset({"serverless-code"})  # string literals of code, named but not placed: trust the name
# Where each Lambda-deploying platform grants its functions' execution role a permission.
_ROLE_GRANTS = {
    "serverless": "provider.iam.role.statements (Serverless v3+; provider.iamRoleStatements in v2)",
    "serverless-code": "provider.iam.role.statements (Serverless v3+; provider.iamRoleStatements in v2)",
    "cloudformation": (
        "the function's Policies (SAM policy templates or statements), or for AWS::Lambda::Function the "
        "IAM role named by its Role property (Policies or ManagedPolicyArns)"
    ),
    "zappa": "extra_permissions in zappa_settings (or the role named by role_name / role_arn)",
    "chalice": ".chalice/policy-<stage>.json (with autogen_policy: false), or Chalice's generated policy",
    "architect": "the policies list under the @aws pragma of app.arc",
    "architect-prefs": "the policies list under the @aws pragma of app.arc",
    "terraform": "an aws_iam_role_policy on the function's aws_iam_role",
    "terraform-json": "an aws_iam_role_policy on the function's aws_iam_role",
}
DEACTIVATE = (
    "aws iam update-access-key --status Inactive --access-key-id <access-key-id> --user-name <iam-user>\n"
    "aws iam delete-access-key --access-key-id <access-key-id> --user-name <iam-user>"
)
DOCS = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime"


def is_lambda_key(
    platform_id: str, site: Site, path: KeyPath, rule_id: str, value: str, lines: Sequence[str], line: int
) -> bool:
    """Whether this finding is an IAM user's access key (or its secret) in a Lambda environment."""
    if platform_id not in _ROLE_GRANTS:
        return False
    if site.role not in _ENV_ROLES and platform_id not in _ROLELESS:
        return False
    if platform_id.startswith("terraform") and "aws_lambda_function" not in path:
        return False
    if rule_id in _KEY_RULES or is_key_name(site.key):
        return True
    return _SECRET_SHAPE.fullmatch(value) is not None and _near_key_id(lines, line)


@PerKeyName  # asked of each AWS-shaped finding's key, and key names repeat from file to file
def is_key_name(key: str) -> bool:
    """`AWS_ACCESS_KEY_ID` and look-alikes: `AWS_KEY`, `awsSecret`, `MY_AWS_SECRET_KEY`, `ACCESS_KEY_ID`."""
    return key.upper() in RESERVED or _LOOK_ALIKE.search(kebab(key).replace("-", "_")) is not None


def _near_key_id(lines: Sequence[str], line: int) -> bool:
    window = lines[max(0, line - 1 - _NEIGHBOURS) : line + _NEIGHBOURS]
    return any(_KEY_ID.search(text) for text in window)


def hint(platform_id: str, key: str) -> str:
    """Rotation first (deactivate, then delete the user's key), then the role, never SSM."""
    why = (
        f"Lambda reserves {key} and sets it from the function's execution role"
        if key.upper() in RESERVED
        else "the AWS SDK in a Lambda function already has credentials from the function's execution role"
    )
    return (
        "Rotate first: deactivate this IAM user's access key, then delete it (commands below; the key is in "
        f"the git history). Do not move it to SSM: {why}. Delete {key} (and its pair) from the environment, "
        f"and grant the execution role what the code needs in {_ROLE_GRANTS[platform_id]}."
    )
