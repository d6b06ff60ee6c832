"""One module per manifest platform, and the registry that picks one for a file.

Adding a platform is a one-file change plus one line here: write a module whose `PLATFORM` object follows
`bot.core.manifests.base.Platform` (detection from the name and first bytes, confirmation from the parsed
documents, the meaning of each key path, in-file references to follow, and the platform's own fix) and
list it in `PLATFORMS`. Order matters: the first platform that claims a file gets it, so platforms that
recognise a file by its exact name come before those that recognise content.
"""

from __future__ import annotations

from bot.core.manifests import (
    architect,
    azure,
    azure_extra,
    chalice,
    cloudformation,
    cloudrun,
    digitalocean,
    firebase,
    fly,
    gae,
    gcp,
    jscode,
    knative,
    netlify,
    openfaas,
    render,
    samconfig,
    serverless,
    terraform,
    vercel,
    wrangler,
    zappa,
)
from bot.core.manifests.base import Format, Platform

PLATFORMS: tuple[Platform, ...] = (
    samconfig.PLATFORM,
    azure.PLATFORM,
    gcp.PLATFORM,
    gcp.ENV_YAML,
    # platforms beyond AWS recognised by exact name or path (tests/core/platforms)
    netlify.PLATFORM,
    vercel.PLATFORM,
    wrangler.PLATFORM,
    wrangler.DEV_VARS,
    fly.PLATFORM,
    render.PLATFORM,
    digitalocean.PLATFORM,
    zappa.PLATFORM,
    chalice.PLATFORM,
    architect.PLATFORM,
    architect.PREFS,
    firebase.RUNTIME_CONFIG,
    firebase.FUNCTIONS_ENV,
    firebase.APPHOSTING,
    azure_extra.FUNCTION_JSON,
    terraform.PLATFORM,
    terraform.JSON,
    jscode.PLATFORM,
    serverless.PLATFORM,
    cloudformation.PLATFORM,
    # platforms beyond AWS recognised by content under generic names (tests/core/platforms)
    azure_extra.ARM,
    openfaas.PLATFORM,
    cloudrun.PLATFORM,
    knative.PLATFORM,
    gae.PLATFORM,
)


def platform_by_id(platform_id: str) -> Platform | None:
    return next((platform for platform in PLATFORMS if platform.id == platform_id), None)


__all__ = ["PLATFORMS", "Format", "Platform", "platform_by_id"]
