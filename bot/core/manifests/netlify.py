"""Netlify `netlify.toml`: build environments that are committed with the site.

Values in `[build.environment]` and `[context.<name>.environment]` are plain text in the repository and
reach the build only (functions never see them), so a secret there is both leaked and misplaced. Netlify
does not expand `$VAR` in this file, and a `${{ secrets.X }}` copied from a workflow stays a literal.
The fix deletes the entry and stores the value as a secret variable with `netlify env:set --secret`.
"""

from __future__ import annotations

from bot.core.manifests.base import Format, Site
from bot.core.manifests.kit import ANY_KEY, VariableNamedPlatform, map_site
from bot.core.tree import Document, KeyPath

_ENVIRONMENTS = (
    ("build", "environment", ANY_KEY),
    ("context", ANY_KEY, "environment", ANY_KEY),
    ("context", ANY_KEY, "build", "environment", ANY_KEY),
    ("dev", "environment", ANY_KEY),
)


class NetlifyPlatform(VariableNamedPlatform):
    id = "netlify"
    docs = "https://docs.netlify.com/build/environment-variables/overview/"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return Format.TOML if name == "netlify.toml" else None

    def site(self, doc: Document, path: KeyPath) -> Site:
        return map_site(path, _ENVIRONMENTS) or super().site(doc, path)

    def store_command(self, secret_name: str, env: str) -> str:
        return (
            f'netlify env:set {secret_name} "${secret_name}" --secret --context production '
            "--context deploy-preview --scope functions"
        )

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value and delete {site.key} from netlify.toml: variables declared there "
            "reach only the build, never functions. Netlify stores variables set with --secret write-only; "
            "add --scope builds if the build needs it."
        )


PLATFORM = NetlifyPlatform()
