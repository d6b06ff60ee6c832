"""Vercel `vercel.json`: the legacy `env` and `build.env` maps.

A value there is deployed as written and committed with the project. The only reference the file ever
had is `@name`, a legacy Vercel Secret, now sunset: it is not a literal (and never a leak), so such an
entry is judged under a name that does not read as a secret, while a provider token written after the
`@` is still found. The fix deletes the entry and adds the variable as a sensitive one with `vercel env
add --sensitive` (which reads the value from stdin or a prompt).
"""

from __future__ import annotations

import re

from bot.core.manifests.base import Format, Site, text_at
from bot.core.manifests.kit import ANY_KEY, VariableNamedPlatform, map_site
from bot.core.tree import Document, KeyPath

_ENVIRONMENTS = (("env", ANY_KEY), ("build", "env", ANY_KEY))
_LEGACY_SECRET = re.compile(r"^@[a-z0-9][a-z0-9_-]*$")
_PUBLIC_PREFIXES = ("NEXT_PUBLIC_", "VITE_", "REACT_APP_", "NUXT_PUBLIC_", "PUBLIC_", "GATSBY_")


class VercelPlatform(VariableNamedPlatform):
    id = "vercel"
    docs = "https://vercel.com/docs/environment-variables/sensitive-environment-variables"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return Format.JSON if name == "vercel.json" else None

    def site(self, doc: Document, path: KeyPath) -> Site:
        site = map_site(path, _ENVIRONMENTS)
        if site is None:
            return super().site(doc, path)
        value = text_at(doc.lookup(path)) or ""
        if _LEGACY_SECRET.match(value.strip()):
            return Site(f"{site.key} (legacy Vercel secret reference)", site.role)
        return site

    def store_command(self, secret_name: str, env: str) -> str:
        return f"printf '%s' \"${secret_name}\" | vercel env add {secret_name} production --sensitive"

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        public = site.key.upper().startswith(_PUBLIC_PREFIXES)
        warning = (
            f" {site.key} has a framework-public prefix: its value is inlined into the browser bundle, so "
            "give the secret a server-only name."
            if public
            else ""
        )
        return (
            f"Rotate the exposed value and delete {site.key} from vercel.json; add it per environment in the "
            f"project settings or with the CLI (repeat the command for preview).{warning}"
        )


PLATFORM = VercelPlatform()
