"""The GitHub App manifest the setup page sends: `app.yml` (Probot's format) plus the URLs of this install.

`app.yml` is the reviewable statement of what the App may touch; only the keys GitHub's manifest accepts are
copied from it, and the URLs that depend on where the bot runs (the webhook, the redirect back to the setup
page, the overview's sign-in callback) are filled in here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

COPIED_KEYS = (
    "description",
    "url",
    "public",
    "default_permissions",
    "default_events",
    "callback_urls",
    "setup_url",
    "setup_on_update",
    "request_oauth_on_install",
)
CALLBACK_PATH = "/setup/callback"
OVERVIEW_CALLBACK_PATH = "/overview/callback"  # where GitHub returns people signing in to the overview


class ManifestFileError(Exception):
    """`app.yml` is missing or unusable; the message names the file (it holds no secret)."""


@dataclass(frozen=True, slots=True)
class AppTemplate:
    """`app.yml` as read: the default App name and the keys copied into every manifest."""

    name: str
    fields: dict[str, Any]


def load_app_template(path: Path) -> AppTemplate:
    try:
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestFileError(f"{path} not found (set APP_MANIFEST to the App manifest file)") from None
    except (OSError, UnicodeDecodeError, YAMLError) as error:
        raise ManifestFileError(f"{path} cannot be read as YAML ({type(error).__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not data["name"].strip():
        raise ManifestFileError(f"{path} must be a mapping with a `name`")
    for key in ("default_permissions", "default_events"):
        if key not in data:
            raise ManifestFileError(f"{path} must declare `{key}`")
    return AppTemplate(data["name"].strip(), {key: data[key] for key in COPIED_KEYS if key in data})


def build_manifest(
    template: AppTemplate, *, base_url: str, webhook_url: str, name: str | None
) -> dict[str, Any]:
    """The manifest for GitHub's "Create GitHub App" page; `base_url` is where this bot is reached."""
    base = base_url.rstrip("/")
    return {
        "name": (name or template.name).strip(),
        "url": base,
        "callback_urls": [base + OVERVIEW_CALLBACK_PATH],
        **template.fields,
        "hook_attributes": {"url": webhook_url, "active": True},
        "redirect_url": base + CALLBACK_PATH,
    }
