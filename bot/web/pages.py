"""The setup pages' HTML: plain, accessible markup with no script, every inserted value escaped.

Each function returns a whole document. The pages work without JavaScript (forms and links only), label every
control, announce errors with `role="alert"`, and take their look from `static/setup.css`.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from bot import __version__


def document_start(title: str, stylesheet: str) -> str:
    """Every page's opening, up to `<body>`: one stylesheet of this origin, no script."""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · Serverless Secrets Bot</title>
<link rel="stylesheet" href="{escape(stylesheet)}">
</head>
<body>"""


def _layout(title: str, body: str) -> str:
    return f"""{document_start(title, "/setup/setup.css")}
<main>
<p class="brand">Serverless Secrets Bot <span class="version">{escape(__version__)}</span></p>
{body}
</main>
</body>
</html>
"""


def _error(message: str | None) -> str:
    return f'<p class="error" role="alert">{escape(message)}</p>' if message else ""


def setup_page(
    *, app_name: str, state: str, github_web: str, code: str = "", error: str | None = None
) -> str:
    body = f"""<h1>Register your GitHub App</h1>
<p>No GitHub App is configured yet. Register one in two steps: choose where it lives, then confirm on
<a href="{escape(github_web)}">{escape(github_web)}</a>. GitHub sends you back here and the bot starts at
once, with no restart.</p>
{_error(error)}
<form method="post" action="/setup/manifest" class="card">
<input type="hidden" name="state" value="{escape(state)}">
<label for="setup-code">Setup code</label>
<input type="text" id="setup-code" name="code" value="{escape(code)}" required autocomplete="off"
 spellcheck="false" aria-describedby="setup-code-hint">
<p class="hint" id="setup-code-hint">Printed in the bot's log when it starts (<code>setup code</code>); it
proves you run this server. Each code works once.</p>
<fieldset>
<legend>Who will own the App?</legend>
<div class="choice"><input type="radio" id="owner-personal" name="account" value="personal" checked>
<label for="owner-personal">My personal account</label></div>
<div class="choice"><input type="radio" id="owner-org" name="account" value="organization">
<label for="owner-org">An organisation</label></div>
<label for="organization">Organisation name <span class="hint">(only for an organisation)</span></label>
<input type="text" id="organization" name="organization" autocomplete="organization" spellcheck="false"
 pattern="[A-Za-z0-9][A-Za-z0-9\\-]{{0,38}}" aria-describedby="organization-hint">
<p class="hint" id="organization-hint">As in github.com/<em>name</em>; you must be one of its owners.</p>
</fieldset>
<label for="app-name">App name</label>
<input type="text" id="app-name" name="app_name" value="{escape(app_name)}" maxlength="34" required
 aria-describedby="app-name-hint">
<p class="hint" id="app-name-hint">Names are unique on GitHub; add your team's name if this one is taken.</p>
<label for="proxy">Webhook proxy URL <span class="hint">(optional)</span></label>
<input type="url" id="proxy" name="webhook_proxy_url" placeholder="https://smee.io/your-channel"
 aria-describedby="proxy-hint">
<p class="hint" id="proxy-hint">GitHub must reach the bot's webhook. Leave empty when this page's address is
public; during development give a <a href="https://smee.io">smee.io</a> channel and forward it here.</p>
<button type="submit">Continue</button>
</form>
"""
    return _layout("Set up", body)


def confirm_page(*, action: str, manifest: dict[str, Any], owner: str) -> str:
    permissions = manifest.get("default_permissions", {})
    rows = "".join(
        f"<li><code>{escape(str(name))}</code>: {escape(str(level))}</li>"
        for name, level in permissions.items()
    )
    events = ", ".join(escape(str(event)) for event in manifest.get("default_events", []))
    body = f"""<h1>Confirm on GitHub</h1>
<p>GitHub will create <strong>{escape(str(manifest["name"]))}</strong> owned by {escape(owner)}, with these
permissions and nothing more:</p>
<ul class="permissions">{rows}</ul>
<p>Events: {events}.</p>
<p>Webhooks go to <code>{escape(str(manifest["hook_attributes"]["url"]))}</code>.</p>
<form method="post" action="{escape(action)}" class="card confirm">
<input type="hidden" name="manifest" value="{escape(json.dumps(manifest))}">
<button type="submit">Create the App on GitHub</button>
</form>
<p><a href="/">Start again</a></p>
"""
    return _layout("Confirm", body)


def done_page(*, name: str, app_id: int, install_url: str, env_file: str, webhook_path: str) -> str:
    body = f"""<h1>Your App is ready</h1>
<p role="status"><strong>{escape(name)}</strong> (App ID {app_id}) is registered. Its id, private key and
webhook secret are saved in <code>{escape(env_file)}</code>, readable by you only. The bot accepts webhooks at
<code>{escape(webhook_path)}</code> now; no restart is needed.</p>
<h2>Next: install it</h2>
<p>Choose the repositories the bot should review. It sees nothing until you do.</p>
<p><a class="button" href="{escape(install_url)}">Install the App on repositories</a></p>
<p class="hint">Keep <code>{escape(env_file)}</code> secret and out of version control. To move the bot, copy
its three values to the new host's environment.</p>
"""
    return _layout("Ready", body)


def status_page(*, app_id: int, webhook_path: str) -> str:
    body = f"""<h1>The bot is running</h1>
<p role="status">GitHub App {app_id} is configured. Webhooks are accepted at
<code>{escape(webhook_path)}</code>.</p>
<ul>
<li><a href="/healthz">/healthz</a>: the process is alive</li>
<li><a href="/readyz">/readyz</a>: the App is configured and the queue answers</li>
<li><a href="/metrics">/metrics</a>: Prometheus metrics</li>
</ul>
"""
    return _layout("Running", body)


def problem_page(*, title: str, message: str) -> str:
    body = f"""<h1>{escape(title)}</h1>
{_error(message)}
<p><a href="/">Back to the setup page</a></p>
"""
    return _layout(title, body)
