"""Every platform file name reaches the scanner (`is_candidate_path`) and lands on the right platform."""

from __future__ import annotations

import pytest

from bot.core.detect import choose, is_candidate_path

_KNATIVE = b"apiVersion: serving.knative.dev/v1\nkind: Service\n"
_CASES = [
    ("netlify.toml", b"[build]\n", "netlify"),
    ("web/vercel.json", b"{}", "vercel"),
    ("wrangler.toml", b"name = 'w'\n", "cloudflare-workers"),
    ("wrangler.json", b"{}", "cloudflare-workers"),
    ("wrangler.jsonc", b"{}", "cloudflare-workers"),
    (".dev.vars", b"A=1\n", "cloudflare-dev-vars"),
    ("fly.toml", b"app = 'a'\n", "fly"),
    ("render.yaml", b"services: []\n", "render"),
    (".do/app.yaml", b"name: a\n", "digitalocean"),
    (".do/deploy.template.yaml", b"spec:\n  name: a\n", "digitalocean"),
    ("zappa_settings.json", b"{}", "zappa"),
    ("zappa_settings.toml", b"", "zappa"),
    ("api/.chalice/config.json", b"{}", "chalice"),
    ("app.arc", b"@app\na\n", "architect"),
    ("prefs.arc", b"@env\n", "architect-prefs"),
    ("stack.yml", b"provider:\n  name: openfaas\n", "openfaas"),
    ("service.yaml", _KNATIVE, "knative"),
    (
        "service.yaml",
        _KNATIVE + b"metadata:\n  annotations:\n    run.googleapis.com/ingress: all\n",
        "cloud-run",
    ),
    ("app.yaml", b"runtime: python312\n", "gae"),
    ("functions/.runtimeconfig.json", b"{}", "firebase-runtimeconfig"),
    ("functions/.env.my-project", b"A=1\n", "firebase-env"),
    ("apphosting.yaml", b"env: []\n", "firebase-apphosting"),
    ("Fn/function.json", b"{}", "azure-function-json"),
    ("host.json", b"{}", "azure-function-json"),
    (
        "azuredeploy.json",
        b'{"$schema": "deploymentTemplate.json", "type": "Microsoft.Web/sites"}',
        "azure-arm",
    ),
    ("infra/main.tf", b"", "terraform"),
    ("infra/main.tf.json", b"{}", "terraform-json"),
    ("prod.tfvars", b"", "terraform"),
]


@pytest.mark.parametrize(("path", "data", "platform"), _CASES)
def test_each_file_is_a_candidate_and_goes_to_its_platform(path: str, data: bytes, platform: str) -> None:
    assert is_candidate_path(path)
    choice = choose(path, data)
    assert choice is not None
    assert choice.platform.id == platform


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("stack.yml", b"version: '3.8'\nservices:\n  web:\n    image: nginx\n"),
        ("service.yaml", b"apiVersion: v1\nkind: Service\n"),
        ("app.yaml", b"image:\n  tag: latest\n"),
        ("config/app.yaml", b"name: x\nservices: []\n"),
        ("template.yml", b"apiVersion: v1\nkind: ConfigMap\n"),
    ],
)
def test_generic_names_without_the_platform_markers_are_not_claimed(path: str, data: bytes) -> None:
    assert choose(path, data) is None
