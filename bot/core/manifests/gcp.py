"""Google Cloud Functions / Cloud Run env-vars files (`gcloud ... --env-vars-file .env.yaml`).

A flat YAML of `KEY: value` that gcloud copies into the service's configuration, where every reader of the
service can see it; real repositories often commit it with live keys. The fix removes the entry from the
file and deploys the value from Secret Manager with `--set-secrets`.

Only gcloud's own name (`.env.yaml`, `env.yaml`) with flat content is taken for such a file. A generic name
(`env.prod.yml`, `.env.staging.yaml`, `prod.env.yaml`) is as often read by a Serverless `${file()}` or by
anything else, and a nested file is never a gcloud one: both get platform-neutral advice (`ENV_YAML`), never
a `gcloud` command; a file whose content is a Serverless or CloudFormation manifest is left to those. When
the manifest that reads a file is known, the file is scanned with that manifest's fix instead
(`bot.core.filetargets`).

Many such files are written in dotenv syntax (`KEY=value` lines) all the same. YAML folds those lines into
one plain string, which would put every secret on line 1 and make one fix of the whole file, so such a file
is read with the dotenv grammar: each assignment is its own value, on its own line.
"""

from __future__ import annotations

import re

from bot.core.config import ScanLimits
from bot.core.errors import ManifestError
from bot.core.manifests import cloudformation, serverless
from bot.core.manifests.base import Format, Role, Site, generic_key
from bot.core.manifests.dotenv import load_dotenv
from bot.core.manifests.kit import BasePlatform, gcloud_create
from bot.core.tree import Document, KeyPath, Scalar
from bot.core.yamlsafe import load_yaml

_NAME = re.compile(r"^(?:\.?env(?:\.[\w-]+)?|[\w.-]+\.env)\.ya?ml$")
_GCLOUD_NAME = re.compile(r"^\.?env\.ya?ml$")
# A key with no value on its line opens a nested mapping or list: gcloud reads only flat string maps.
_NESTED = re.compile(r"^[\w.-]+[ \t]*:[ \t]*(?:#.*)?$", re.MULTILINE)
_OTHER_MANIFESTS = (serverless.PLATFORM, cloudformation.PLATFORM)
_ASSIGNMENT = re.compile(r"^[ \t]*(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_.-]*[ \t]*=", re.MULTILINE)
_YAML_KEY = re.compile(r"^[ \t]*[\w.-]+[ \t]*:(?:[ \t]|$)", re.MULTILINE)


class GcpEnvYamlPlatform(BasePlatform):
    id = "gcp-env-yaml"
    docs = "https://cloud.google.com/functions/docs/configuring/secrets"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return Format.YAML if _kind(path, name, head) == "gcloud" else None

    def load(self, text: str, limits: ScanLimits) -> list[Document]:
        """YAML, unless the file is dotenv lines that YAML reads as one string (or not at all)."""
        if _ASSIGNMENT.search(text) is None:
            return load_yaml(text, limits)
        try:
            docs = load_yaml(text, limits)
        except ManifestError:
            if _YAML_KEY.search(text):
                raise
            return [load_dotenv(text)]
        return [load_dotenv(text)] if all(_is_folded_text(doc) for doc in docs) else docs

    def site(self, doc: Document, path: KeyPath) -> Site:
        if len(path) == 1 and isinstance(path[0], str):
            return Site(path[0], Role.SETTING)
        return Site(generic_key(doc, path), Role.SETTING)

    def store_command(self, secret_name: str, env: str) -> str | None:
        return gcloud_create(secret_name, env)

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value, remove {site.key} from the env-vars file and deploy it from Secret "
            f"Manager: gcloud functions deploy <function> --set-secrets {site.key}={secret_name}:1 "
            "(gcloud run deploy takes the same flag; an environment secret is read when an instance starts, "
            "so pin the version); grant the runtime service account roles/secretmanager.secretAccessor."
        )


class EnvYamlPlatform(GcpEnvYamlPlatform):
    """An env-vars YAML under a generic name, or nested: read like gcloud's, advised without a platform."""

    id = "env-yaml"
    docs = "https://12factor.net/config"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return Format.YAML if _kind(path, name, head) == "neutral" else None

    def store_command(self, secret_name: str, env: str) -> None:
        return None

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value, then remove {site.key} from this file and keep the new value in the "
            "secret store of whatever deploys the file (SSM when a Serverless manifest reads it through "
            "${file()}, Secret Manager when gcloud deploys it with --env-vars-file), given to the function "
            "at deploy or run time."
        )


def _kind(path: str, name: str, head: str) -> str | None:
    """ "gcloud" for gcloud's own name with flat content, "neutral" for any other env-vars YAML, else None."""
    if not _NAME.match(name) or any(other.claims(path, name, head) for other in _OTHER_MANIFESTS):
        return None
    return "gcloud" if _GCLOUD_NAME.match(name) and not _NESTED.search(head) else "neutral"


PLATFORM = GcpEnvYamlPlatform()
ENV_YAML = EnvYamlPlatform()


def _is_folded_text(doc: Document) -> bool:
    """A document whose root is one string (or empty): what YAML makes of `KEY=value` lines."""
    return isinstance(doc.root, Scalar) and isinstance(doc.root.value, str | None)
