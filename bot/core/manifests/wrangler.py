"""Cloudflare Workers: `wrangler.toml` / `wrangler.json` / `wrangler.jsonc`, and `.dev.vars`.

`[vars]` and `[env.<name>.vars]` are plain-text configuration shipped with the Worker and committed with
it; secrets belong in encrypted Worker secrets (`wrangler secret put`), which the file never mentions.
Each `[env.X]` must repeat its vars (they are not inherited), so a key often appears once per
environment. `.dev.vars` (and `.dev.vars.<env>`) holds the local copies of those secrets and is meant to
stay out of git. The fix deletes the entry and stores the value with `wrangler secret put`, which reads
it from stdin.
"""

from __future__ import annotations

import re

from bot.core.config import ScanLimits
from bot.core.manifests.base import Format, Role, Site
from bot.core.manifests.dotenv import load_dotenv
from bot.core.manifests.kit import ANY_KEY, VariableNamedPlatform, local_file_note, map_site
from bot.core.tree import Document, KeyPath

_CONFIGS = {"wrangler.toml": Format.TOML, "wrangler.json": Format.JSON, "wrangler.jsonc": Format.JSON}
_VARS = (("vars", ANY_KEY), ("env", ANY_KEY, "vars", ANY_KEY))
_DEV_VARS = re.compile(r"^\.dev\.vars(?:\.[\w-]+)?$")
_DOCS = "https://developers.cloudflare.com/workers/configuration/secrets/"


class WranglerPlatform(VariableNamedPlatform):
    id = "cloudflare-workers"
    docs = _DOCS

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return _CONFIGS.get(name)

    def site(self, doc: Document, path: KeyPath) -> Site:
        return map_site(path, _VARS) or super().site(doc, path)

    def store_command(self, secret_name: str, env: str) -> str:
        return f"printf '%s' \"${secret_name}\" | npx wrangler secret put {secret_name}"

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value and delete {site.key} from the vars: vars are plain text, Worker "
            "secrets are encrypted. Add --env <name> to the command for each environment that uses it; keep "
            "the local value in .dev.vars, which stays out of git."
        )


class DevVarsPlatform(WranglerPlatform):
    """`.dev.vars`: the local secrets file of `wrangler dev`, parsed as dotenv."""

    id = "cloudflare-dev-vars"
    note = local_file_note(".dev.vars")

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return Format.TOML if _DEV_VARS.match(name) else None

    def load(self, text: str, limits: ScanLimits) -> list[Document]:
        return [load_dotenv(text)]

    def site(self, doc: Document, path: KeyPath) -> Site:
        return Site(str(path[0]), Role.SETTING) if len(path) == 1 else super().site(doc, path)

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            "Rotate the exposed value: a committed .dev.vars publishes it. Store it as a Worker secret, "
            "then git rm --cached .dev.vars and add .dev.vars* to .gitignore."
        )


PLATFORM = WranglerPlatform()
DEV_VARS = DevVarsPlatform()
