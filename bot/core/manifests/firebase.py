"""Firebase: `.runtimeconfig.json`, the functions' dotenv files, and App Hosting's `apphosting.yaml`.

`.runtimeconfig.json` is the emulator's copy of the deprecated `functions.config()`, meant to stay local.
`functions/.env`, `.env.<project>` and `.env.<alias>` are deployed with the code and often committed on
purpose (the CLI writes `defineString` answers there), so they must hold no secret; `.secret.local` and
`.env.local` are emulator-only. In `apphosting.yaml`, `env[].value` is plain text visible to project
members, while `env[].secret` references Secret Manager. Every fix stores the value with the Firebase
CLI (reading it from stdin) and references it with `defineSecret` or `secret:`.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from bot.core.config import ScanLimits
from bot.core.manifests.base import Format, Role, Site, env_name
from bot.core.manifests.dotenv import load_dotenv
from bot.core.manifests.kit import (
    ANY_INDEX,
    StoreNamedPlatform,
    VariableNamedPlatform,
    entry_site,
    local_file_note,
)
from bot.core.tree import Document, KeyPath

_FUNCTIONS_ENV = re.compile(r"^\.env(?:\.(?!ya?ml$|json$)[\w-]+)?$")
_APPHOSTING = re.compile(r"^apphosting(?:\.[\w-]+)?\.ya?ml$")
_APPHOSTING_VALUE = ("env", ANY_INDEX, "value")
_DOCS = "https://firebase.google.com/docs/functions/config-env#secret-manager"


class RuntimeConfigPlatform(VariableNamedPlatform):
    """`.runtimeconfig.json`: `functions.config()` values for the emulator, as nested JSON."""

    id = "firebase-runtimeconfig"
    docs = _DOCS
    note = local_file_note(".runtimeconfig.json")

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return Format.JSON if name == ".runtimeconfig.json" else None

    def site(self, doc: Document, path: KeyPath) -> Site:
        return Site("_".join(str(part) for part in path if isinstance(part, str)).upper(), Role.SETTING)

    def store_command(self, secret_name: str, env: str) -> str:
        return f"printf '%s' \"${secret_name}\" | firebase functions:secrets:set {secret_name} --data-file=-"

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            "Rotate the exposed value. functions.config() is deprecated: declare "
            f"defineSecret('{secret_name}') and list it in the function's secrets option; migrate the rest "
            "with firebase functions:config:export."
        )


class FunctionsEnvPlatform(RuntimeConfigPlatform):
    """`functions/.env*` and `.secret.local`: dotenv files the Firebase CLI deploys or the emulator reads."""

    id = "firebase-env"
    note = "functions/.env files ship with the source; use defineSecret, never defineString, for secrets"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        if name == ".secret.local":
            return Format.TOML
        if not _FUNCTIONS_ENV.match(name):  # first: the name rules out nearly every path, without a PurePath
            return None
        parent = PurePosixPath(path.replace("\\", "/")).parent.name
        return Format.TOML if parent == "functions" else None

    def load(self, text: str, limits: ScanLimits) -> list[Document]:
        return [load_dotenv(text)]

    def site(self, doc: Document, path: KeyPath) -> Site:
        return Site(str(path[0]), Role.SETTING) if len(path) == 1 else super().site(doc, path)

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value, then store the new one as a secret and delete {site.key} from this "
            "file: functions/.env values are plain parameters (defineString) deployed with the source. "
            f"Declare defineSecret('{secret_name}') and list it in the function's secrets option."
        )


class AppHostingPlatform(StoreNamedPlatform):
    id = "firebase-apphosting"
    docs = "https://firebase.google.com/docs/app-hosting/configure#secret-parameters"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return Format.YAML if _APPHOSTING.match(name) else None

    def site(self, doc: Document, path: KeyPath) -> Site:
        return entry_site(path, (_APPHOSTING_VALUE,), super().site(doc, path))

    def store_command(self, secret_name: str, env: str) -> str:
        variable = env_name(secret_name)
        return f"printf '%s' \"${variable}\" | firebase apphosting:secrets:set {secret_name} --data-file=-"

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value and reference the secret from the {site.key} entry with secret: "
            f"{secret_name} instead of value:; the command also grants the backend access."
        )


RUNTIME_CONFIG = RuntimeConfigPlatform()
FUNCTIONS_ENV = FunctionsEnvPlatform()
APPHOSTING = AppHostingPlatform()
