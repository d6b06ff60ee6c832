"""Fly.io `fly.toml`: `[env]` is plain configuration, committed and shown by `fly config show`.

Fly keeps secrets in an encrypted vault and injects them as environment variables at machine boot, so a
secret in `[env]` (or in `[build.args]`, baked into the image) is both leaked and unnecessary. The fix
deletes the entry and stores the value with `fly secrets set`, read from the shell's environment.
"""

from __future__ import annotations

import re

from bot.core.manifests.base import Format, Role, Site
from bot.core.manifests.kit import ANY_KEY, VariableNamedPlatform, map_site
from bot.core.tree import Document, KeyPath

_NAME = re.compile(r"^fly(?:\.[\w-]+)?\.toml$")  # fly.toml, and fly.staging.toml passed with --config


class FlyPlatform(VariableNamedPlatform):
    id = "fly"
    docs = "https://fly.io/docs/apps/secrets/"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return Format.TOML if _NAME.match(name) else None

    def site(self, doc: Document, path: KeyPath) -> Site:
        return (
            map_site(path, (("env", ANY_KEY),))
            or map_site(path, (("build", "args", ANY_KEY),), Role.OTHER)
            or super().site(doc, path)
        )

    def store_command(self, secret_name: str, env: str) -> str:
        return f'fly secrets set {secret_name}="${secret_name}"'

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value and delete {site.key} from fly.toml; Fly injects secrets as "
            "environment variables at boot (run the command in the app's directory, or add -a <app>; "
            "--stage defers the restart). A build argument is baked into the image: mount it as a build "
            "secret instead."
        )


PLATFORM = FlyPlatform()
