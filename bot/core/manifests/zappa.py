"""Zappa `zappa_settings.json` (also `.yml`/`.yaml`/`.toml`): one block of settings per stage.

`environment_variables` are written by Zappa into `zappa_settings.py` inside the deployment package (a
zip on S3); `aws_environment_variables` become the Lambda function's environment. Both are committed
with the settings file. Zappa expands nothing, so `"$APP_KEY"` is a broken literal, not a reference. The
safe patterns keep only a name in the file: `remote_env` (a private S3 JSON loaded at cold start) or an
SSM parameter name read at runtime, which is the fix proposed here.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.manifests.base import Format, Naming, Site, kebab, text_at
from bot.core.manifests.kit import ANY_KEY, SsmParameterPlatform, map_site, root_mapping
from bot.core.tree import Document, KeyPath, Mapping

_NAMES = {
    "zappa_settings.json": Format.JSON,
    "zappa_settings.yml": Format.YAML,
    "zappa_settings.yaml": Format.YAML,
    "zappa_settings.toml": Format.TOML,
}
_ENVIRONMENTS = ((ANY_KEY, "environment_variables", ANY_KEY), (ANY_KEY, "aws_environment_variables", ANY_KEY))
_STAGE_KEYS = ("app_function", "django_settings", "s3_bucket", "aws_region", "project_name", "runtime")


class ZappaPlatform(SsmParameterPlatform):
    id = "zappa"
    docs = "https://github.com/zappa/Zappa#setting-environment-variables"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return _NAMES.get(name)

    def confirms(self, path: str, docs: Sequence[Document]) -> bool:
        return bool(_stages(docs))

    def site(self, doc: Document, path: KeyPath) -> Site:
        return map_site(path, _ENVIRONMENTS) or super().site(doc, path)

    def naming(self, path: str, docs: Sequence[Document]) -> Naming:
        stages = _stages(docs)
        project = next((name for _, stage in stages if (name := text_at(stage.get("project_name")))), "")
        stage = stages[0][0] if len(stages) == 1 else ""
        return Naming(service=kebab(project) if project else "", stage=kebab(stage) if stage else "")

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value. Keep only its name in the settings ({site.key}_PARAM: "
            f"{secret_name}), grant ssm:GetParameter on it through extra_permissions and read it at runtime; "
            "or move the variables to a private S3 JSON file named by remote_env."
        )


def _stages(docs: Sequence[Document]) -> list[tuple[str, Mapping]]:
    """The stage blocks: top-level mappings that carry at least one Zappa stage setting."""
    root = root_mapping(docs)
    if root is None:
        return []
    return [
        (str(key.value), value)
        for key, value in root.items
        if isinstance(value, Mapping) and any(value.get(setting) is not None for setting in _STAGE_KEYS)
    ]


PLATFORM = ZappaPlatform()
