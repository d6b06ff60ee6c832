"""App endpoints: installation tokens (App JWT required) and the manifest flow's code conversion."""

from __future__ import annotations

from tests import canaries
from tests.fakegithub import shapes
from tests.fakegithub.appauth import new_token
from tests.fakegithub.call import Call, Reply, not_found


def create_installation_token(call: Call) -> Reply:
    installation = call.fake.world.installations.get(call.int_param("installation_id"))
    if installation is None or installation.app_id != call.fake.app_id:
        raise not_found()
    token = new_token(installation.id, call.now)
    call.fake.tokens[token.value] = token
    canaries.register(token.value)
    return Reply(
        201,
        {
            "token": token.value,
            "expires_at": shapes.iso(token.expires_at),
            "permissions": dict(call.fake.permissions),
            "repository_selection": "all" if installation.repos is None else "selected",
        },
    )


def get_authenticated_app(call: Call) -> Reply:
    """`GET /app` with the App JWT: the App itself (its slug names its bot account, `<slug>[bot]`)."""
    fake = call.fake
    owner = fake.world.add_user("octo-org")
    return Reply(
        json={
            "id": fake.app_id,
            "slug": fake.app_slug,
            "node_id": f"A_{fake.app_id}",
            "name": fake.app_slug,
            "description": "",
            "owner": shapes.user(call.api, owner),
            "external_url": "https://example.test",
            "html_url": f"https://github.test/apps/{fake.app_slug}",
            "created_at": shapes.iso(call.now),
            "updated_at": shapes.iso(call.now),
            "permissions": dict(fake.permissions),
            "events": ["pull_request", "push", "check_suite", "check_run", "issue_comment"],
        }
    )


def convert_manifest(call: Call) -> Reply:
    """Once per code, as on GitHub: the code is spent by the conversion."""
    manifest = call.fake.manifest_codes.pop(call.params["code"], None)
    if manifest is None:
        raise not_found()
    owner = call.fake.world.add_user(manifest.get("owner", "octo-org"))
    return Reply(
        201,
        {
            "id": call.fake.app_id,
            "slug": call.fake.app_slug,
            "node_id": f"A_{call.fake.app_id}",
            "name": manifest.get("name", call.fake.app_slug),
            "description": manifest.get("description", ""),
            "owner": shapes.user(call.api, owner),
            "external_url": manifest.get("url", "https://example.test"),
            "html_url": f"https://github.test/apps/{call.fake.app_slug}",
            "created_at": shapes.iso(call.now),
            "updated_at": shapes.iso(call.now),
            "permissions": manifest.get("default_permissions", {}),
            "events": manifest.get("default_events", []),
            "client_id": "Iv1.fake" + str(call.fake.app_id),
            "client_secret": "fake-client-secret-" + call.params["code"],
            "webhook_secret": call.fake.webhook_secret,
            "pem": call.fake.keys.private_pem,
        },
    )
