"""Azure Functions `local.settings.json`: local-only settings that Core Tools reads.

`Values.*` and `ConnectionStrings.*` hold storage, Service Bus, Cosmos DB and Event Hubs connection strings
and API keys. The file is meant to stay on the developer's machine (`func init` puts it in `.gitignore`), so
any plaintext secret in a committed copy is a leak. `IsEncrypted: true` means the values are ciphertext
tied to one machine key. The fix empties the value locally and moves the secret to Key Vault, referenced
from the Function App's settings.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.manifests.base import Format, Naming, Role, Site, kebab
from bot.core.manifests.kit import BasePlatform, keyvault_set, root_mapping
from bot.core.tree import Document, KeyPath, Scalar

_NAME = "local.settings.json"
_SETTINGS = ("Values", "ConnectionStrings")
_EMULATOR = {"AzureWebJobsStorage": "UseDevelopmentStorage=true"}


class KeyVaultPlatform(BasePlatform):
    """An Azure platform: the secret goes to Key Vault (names of at most 127 characters)."""

    docs = "https://learn.microsoft.com/azure/app-service/app-service-key-vault-references"

    def secret_name(self, naming: Naming, key: str) -> str:
        return kebab(key)[:127]

    def store_command(self, secret_name: str, env: str) -> str:
        return keyvault_set(secret_name, env)


class AzureFunctionsPlatform(KeyVaultPlatform):
    id = "azure-functions"
    note = "local.settings.json is for local development only and belongs in .gitignore"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return Format.JSON if name == _NAME else None

    def is_encrypted(self, docs: Sequence[Document]) -> bool:
        root = root_mapping(docs)
        flag = root.get("IsEncrypted") if root is not None else None
        return isinstance(flag, Scalar) and flag.value in (True, "true", "True")

    def site(self, doc: Document, path: KeyPath) -> Site:
        if len(path) >= 2 and path[0] in _SETTINGS and isinstance(path[1], str):
            return Site(path[1], Role.SETTING)
        return super().site(doc, path)

    def reference(self, secret_name: str, env: str, site: Site) -> str | None:
        return _EMULATOR.get(site.key, "")

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            "Rotate the exposed value. In Azure, set the app setting to a Key Vault reference: "
            "az functionapp config appsettings set -g <group> -n <app> --settings "
            f'"{site.key}=@Microsoft.KeyVault(VaultName=<your-vault>;SecretName={secret_name})". '
            "local.settings.json belongs in .gitignore: "
            "git rm --cached local.settings.json."
        )


PLATFORM = AzureFunctionsPlatform()
