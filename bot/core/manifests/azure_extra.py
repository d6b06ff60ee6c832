"""Azure Functions beyond `local.settings.json`: `function.json`, `host.json` and ARM app settings.

A binding's `connection` must name an app setting; a connection string written there instead is
committed with the function (and `%Name%` expressions resolve app settings too, which are safe).
`host.json` rarely holds secrets but is read the same way. In ARM templates, Function App settings
(`siteConfig.appSettings[]`, `Microsoft.Web/sites/config` named `appsettings`) and parameter defaults are
deployed as written; `[...]` expressions are ARM references, not literals. The fix is a Key Vault
reference, `@Microsoft.KeyVault(VaultName=...;SecretName=...)`, plus `az keyvault secret set`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.manifests.azure import KeyVaultPlatform
from bot.core.manifests.base import Format, Role, Site, text_at
from bot.core.manifests.kit import (
    ANY_INDEX,
    ANY_KEY,
    has_top_level,
    matches,
    matches_tail,
)
from bot.core.tree import Document, KeyPath, Mapping

_ARM_SCHEMA = re.compile(r"deploymentTemplate\.json")
_WEB_SITES = re.compile(r"Microsoft\.Web/sites", re.IGNORECASE)
_APP_SETTING_VALUE = ("appSettings", ANY_INDEX, "value")
_PARAMETER_DEFAULT = ("parameters", ANY_KEY, "defaultValue")


class FunctionJsonPlatform(KeyVaultPlatform):
    """`function.json` (and `host.json`): bindings name app settings; they never hold the connection."""

    id = "azure-function-json"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return Format.JSON if name in ("function.json", "host.json") else None

    def confirms(self, path: str, docs: Sequence[Document]) -> bool:
        return has_top_level(docs, ("bindings", "version"))

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            "Rotate the exposed value. Put the connection string in an app setting whose value is a Key "
            f"Vault reference (@Microsoft.KeyVault(VaultName=<your-vault>;SecretName={secret_name})) and set "
            f"{site.key} to that setting's name; locally it goes in local.settings.json, which stays out of "
            "git."
        )


class ArmAppSettingsPlatform(KeyVaultPlatform):
    """ARM templates that deploy a Function App or Web App (`Microsoft.Web/sites`)."""

    id = "azure-arm"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        if name.endswith(".json") and _ARM_SCHEMA.search(head) and _WEB_SITES.search(head):
            return Format.JSON
        return None

    def confirms(self, path: str, docs: Sequence[Document]) -> bool:
        return has_top_level(docs, ("resources",))

    def site(self, doc: Document, path: KeyPath) -> Site:
        site = super().site(doc, path)
        if matches_tail(path, _APP_SETTING_VALUE):
            return Site(site.key, Role.SETTING)
        if matches(path, _PARAMETER_DEFAULT):
            return Site(str(path[1]), Role.PARAM_DEFAULT)
        if len(path) >= 3 and path[-2] == "properties" and _is_app_settings(doc.lookup(path[:-2])):
            return Site(str(path[-1]), Role.SETTING)
        return site

    def reference(self, secret_name: str, env: str, site: Site) -> str | None:
        if site.role is Role.PARAM_DEFAULT:
            return None
        return f"@Microsoft.KeyVault(VaultName=<your-vault>;SecretName={secret_name})"

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        if site.role is Role.PARAM_DEFAULT:
            return (
                f"Rotate the exposed value. Make {site.key} a securestring parameter without a defaultValue "
                "and pass it at deployment from Key Vault (a parameter-file reference to the secret)."
            )
        return (
            "Rotate the exposed value. The Function App needs a managed identity with the Key Vault Secrets "
            "User role on the vault for the reference to resolve."
        )


def _is_app_settings(resource: object) -> bool:
    """A `Microsoft.Web/sites/config` resource named `appsettings` (or `<site>/appsettings`)."""
    if not isinstance(resource, Mapping):
        return False
    kind = (text_at(resource.get("type")) or "").lower()
    name = (text_at(resource.get("name")) or "").lower().rstrip("')]")
    return kind.endswith(("sites/config", "slots/config", "config")) and name.endswith("appsettings")


FUNCTION_JSON = FunctionJsonPlatform()
ARM = ArmAppSettingsPlatform()
