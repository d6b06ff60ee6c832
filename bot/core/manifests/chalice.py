"""AWS Chalice `.chalice/config.json`: environment variables at the top, per stage and per function.

Chalice copies `environment_variables` (top-level, `stages.<stage>`, and
`stages.<stage>.lambda_functions.<fn>`, merged in that order) into each Lambda function's configuration,
and has no reference syntax of its own. The fix keeps only an SSM parameter name in the file, read at
runtime by `app.py` with read access granted in `.chalice/policy-<stage>.json`.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.manifests.base import Format, Naming, Site, kebab, text_at
from bot.core.manifests.kit import ANY_KEY, SsmParameterPlatform, map_site, root_mapping
from bot.core.tree import Document, KeyPath, Mapping

_ENVIRONMENTS = (
    ("environment_variables", ANY_KEY),
    ("lambda_functions", ANY_KEY, "environment_variables", ANY_KEY),
    ("stages", ANY_KEY, "environment_variables", ANY_KEY),
    ("stages", ANY_KEY, "lambda_functions", ANY_KEY, "environment_variables", ANY_KEY),
)


class ChalicePlatform(SsmParameterPlatform):
    id = "chalice"
    docs = "https://aws.github.io/chalice/topics/configfile.html"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        normalized = "/" + path.replace("\\", "/").lower()
        return Format.JSON if normalized.endswith("/.chalice/config.json") else None

    def site(self, doc: Document, path: KeyPath) -> Site:
        return map_site(path, _ENVIRONMENTS) or super().site(doc, path)

    def naming(self, path: str, docs: Sequence[Document]) -> Naming:
        root = root_mapping(docs)
        if root is None:
            return Naming()
        app = text_at(root.get("app_name")) or ""
        stages = root.get("stages")
        names = stages.keys() if isinstance(stages, Mapping) else []
        return Naming(service=kebab(app) if app else "", stage=kebab(names[0]) if len(names) == 1 else "")

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value. Keep only its name in config.json ({site.key}_PARAM: {secret_name}), "
            "read it in app.py with boto3's ssm.get_parameter(WithDecryption=True), and grant "
            "ssm:GetParameter on it in .chalice/policy-<stage>.json (with autogen_policy: false)."
        )


PLATFORM = ChalicePlatform()
