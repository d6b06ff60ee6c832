"""Terraform: `*.tf` (HCL, read by `manifests.hcl` with exact positions), `*.tf.json` and `*.tfvars`.

Literals hide in function environments (`aws_lambda_function.environment.variables`, Google Cloud
Functions' `environment_variables`, Cloud Run `env` blocks, azurerm `app_settings`), in `variable`
defaults and in `.tfvars` files, and every one of them also lands in the state file. `${...}`
interpolations are references. The fix depends on the cloud the file deploys to: an SSM parameter, a
Secret Manager secret or a Key Vault secret read through a data source (Key Vault: an app-setting
reference); a variable default or a `.tfvars` value is removed and supplied at apply time instead.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.config import ScanLimits
from bot.core.manifests.base import Format, Naming, Role, Site, kebab, text_at
from bot.core.manifests.kit import ANY_KEY, BasePlatform, gcloud_create, keyvault_set, matches, ssm_put
from bot.core.tree import Document, KeyPath, Mapping

_HCL_SUFFIXES = (".tf", ".tfvars")
_JSON_SUFFIXES = (".tf.json", ".tfvars.json")
_ENVIRONMENTS = (
    ("resource", "aws_lambda_function", ANY_KEY, "environment", "variables", ANY_KEY),
    ("resource", "google_cloudfunctions_function", ANY_KEY, "environment_variables", ANY_KEY),
    ("resource", "google_cloudfunctions_function", ANY_KEY, "build_environment_variables", ANY_KEY),
    (
        "resource",
        "google_cloudfunctions2_function",
        ANY_KEY,
        "service_config",
        "environment_variables",
        ANY_KEY,
    ),
    (
        "resource",
        "google_cloudfunctions2_function",
        ANY_KEY,
        "build_config",
        "environment_variables",
        ANY_KEY,
    ),
)
_APP_SETTINGS = re.compile(r"^azurerm_\w*(?:function_app|web_app|app_service)\w*$")
_NAMED_VALUE_BLOCKS = ("env", "connection_string")
_CLOUDS = {"aws_": "aws", "google_": "google", "azurerm_": "azure"}
_AZURE_URI = "https://<your-vault>.vault.azure.net/secrets/"
_GOOGLE_PREFIX = "projects/<project>/secrets/"


@dataclass(frozen=True, slots=True)
class CloudNaming(Naming):
    """The cloud most resources in the file belong to; it decides where a secret is stored."""

    cloud: str = "aws"


class TerraformJsonPlatform(BasePlatform):
    """`*.tf.json` / `*.tfvars.json`, read by the shared JSON parser; HCL files get `TerraformPlatform`."""

    id = "terraform-json"
    docs = "https://developer.hashicorp.com/terraform/language/manage-sensitive-data"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return Format.JSON if name.endswith(_JSON_SUFFIXES) else None

    def site(self, doc: Document, path: KeyPath) -> Site:
        steps = tuple(part for part in path if isinstance(part, str))
        if any(matches(steps, pattern) for pattern in _ENVIRONMENTS):
            return Site(steps[-1], Role.ENV_VAR)
        if (
            len(steps) >= 5
            and steps[0] == "resource"
            and _APP_SETTINGS.match(steps[1])
            and steps[3] == "app_settings"
        ):
            return Site(steps[-1], Role.SETTING)
        if len(steps) >= 2 and steps[-1] == "value" and steps[-2] in _NAMED_VALUE_BLOCKS:
            named = _named_block_site(doc, path, steps[-2])
            if named is not None:
                return named
        if len(steps) >= 3 and steps[0] == "variable" and steps[2] == "default":
            return Site(steps[-1] if len(steps) > 3 else steps[1], Role.PARAM_DEFAULT)
        if len(steps) == 1:
            return Site(steps[0], Role.PARAM)
        return super().site(doc, path)

    def naming(self, path: str, docs: Sequence[Document]) -> Naming:
        """The cloud of most `resource` blocks (several blocks share the key, so all are counted)."""
        counts: Counter[str] = Counter()
        for doc in docs:
            items = doc.root.items if isinstance(doc.root, Mapping) else ()
            for key, value in items:
                if key.value == "resource" and isinstance(value, Mapping):
                    for kind, _ in value.items:
                        counts.update(
                            c for prefix, c in _CLOUDS.items() if str(kind.value).startswith(prefix)
                        )
        return CloudNaming(cloud=counts.most_common(1)[0][0] if counts else "aws")

    def secret_name(self, naming: Naming, key: str) -> str:
        name = kebab(key)
        cloud = naming.cloud if isinstance(naming, CloudNaming) else "aws"
        if cloud == "google":
            return _GOOGLE_PREFIX + name
        if cloud == "azure":
            return _AZURE_URI + name[:127]
        return "/" + name

    def reference(self, secret_name: str, env: str, site: Site) -> str | None:
        if site.role not in (Role.ENV_VAR, Role.SETTING):
            return None
        short = secret_name.rsplit("/", 1)[-1]
        if secret_name.startswith(_AZURE_URI):
            return f"@Microsoft.KeyVault(SecretUri={secret_name}/)"
        data_id = short.replace("-", "_")
        if secret_name.startswith(_GOOGLE_PREFIX):
            return f"${{data.google_secret_manager_secret_version.{data_id}.secret_data}}"
        return f"${{data.aws_ssm_parameter.{data_id}.value}}"

    def store_command(self, secret_name: str, env: str) -> str:
        short = secret_name.rsplit("/", 1)[-1]
        if secret_name.startswith(_AZURE_URI):
            return keyvault_set(short, env)
        if secret_name.startswith(_GOOGLE_PREFIX):
            return gcloud_create(short, env)
        return ssm_put(secret_name, env)

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        short = secret_name.rsplit("/", 1)[-1]
        data_id = short.replace("-", "_")
        if site.role in (Role.PARAM_DEFAULT, Role.PARAM):
            return (
                f"Rotate the exposed value. Declare {site.key} with sensitive = true and no default, and "
                f"supply it at apply time (TF_VAR_{site.key} from your CI secret store) or read it with a "
                "data source."
            )
        if secret_name.startswith(_AZURE_URI):
            return (
                "Rotate the exposed value; give the app a managed identity that may read the vault's secrets."
            )
        if secret_name.startswith(_GOOGLE_PREFIX):
            return (
                f'Rotate the exposed value and add data "google_secret_manager_secret_version" "{data_id}" '
                f'{{ secret = "{short}" }}; better, use secret_environment_variables so the value stays out '
                "of the state and the function's configuration."
            )
        return (
            f'Rotate the exposed value and add data "aws_ssm_parameter" "{data_id}" '
            f'{{ name = "{secret_name}" }}. Better still, pass only the name ({site.key}_PARAM = '
            f'"{secret_name}"), grant ssm:GetParameter and read it at runtime: a value in the environment '
            "also lands in the state file."
        )


class TerraformPlatform(TerraformJsonPlatform):
    """`*.tf` / `*.tfvars`: the same meaning, read with our own HCL reader."""

    id = "terraform"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return Format.TOML if name.endswith(_HCL_SUFFIXES) else None

    def load(self, text: str, limits: ScanLimits) -> list[Document]:
        from bot.core.manifests.hcl import load_hcl  # imported here: the reader is start-up time (issue 16)

        return [load_hcl(text, limits)]


def _named_block_site(doc: Document, path: KeyPath, block: str) -> Site | None:
    """`env { name = "X" value = "..." }` and `connection_string { name = ... value = ... }`: named X."""
    parent = doc.lookup(path[:-1])
    name = text_at(parent.get("name")) if isinstance(parent, Mapping) else None
    if not name:
        return None
    return Site(name, Role.ENV_VAR if block == "env" else Role.SETTING)


PLATFORM = TerraformPlatform()
JSON = TerraformJsonPlatform()
