"""One small manifest per platform, each holding one fake token where that platform keeps settings, so a
real scan yields that platform's fix: its store command, its reference and its runtime hint.

The token is built by concatenation so that no secret-shaped literal sits in the repository.
"""

from __future__ import annotations

import json

from bot.core.config import ScanConfig
from bot.core.findings import ScanResult
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file

TOKEN = "ghp_" + "Q7v2Lm9X" * 4 + "Rt5w"
_K = "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: api\n"
_KSPEC = "spec:\n  template:\n    spec:\n      containers:\n        - image: gcr.io/p/api\n          env:\n"

_VARS = {"GITHUB_TOKEN": TOKEN}


def _json(document: object) -> str:
    return json.dumps(document, indent=2) + "\n"


# platform id -> (path, text)
MANIFESTS: dict[str, tuple[str, str]] = {
    "samconfig": (
        "samconfig.toml",
        'version = 0.1\n[default.deploy.parameters]\nstack_name = "api"\n'
        f'parameter_overrides = "GithubToken={TOKEN}"\n',
    ),
    "azure-functions": (
        "local.settings.json",
        '{\n  "IsEncrypted": false,\n  "Values": {\n    "FUNCTIONS_WORKER_RUNTIME": "node",\n'
        f'    "GITHUB_TOKEN": "{TOKEN}"\n  }}\n}}\n',
    ),
    "gcp-env-yaml": (".env.yaml", f"GITHUB_TOKEN: {TOKEN}\n"),
    "env-yaml": ("env.prod.yml", f"GITHUB_TOKEN: {TOKEN}\n"),
    "netlify": (
        "netlify.toml",
        f'[build]\ncommand = "make"\n[build.environment]\nGITHUB_TOKEN = "{TOKEN}"\n',
    ),
    "vercel": ("vercel.json", f'{{\n  "env": {{\n    "GITHUB_TOKEN": "{TOKEN}"\n  }}\n}}\n'),
    "cloudflare-workers": (
        "wrangler.toml",
        f'name = "w"\nmain = "src/index.js"\n[vars]\nGITHUB_TOKEN = "{TOKEN}"\n',
    ),
    "cloudflare-dev-vars": (".dev.vars", f"GITHUB_TOKEN={TOKEN}\n"),
    "fly": ("fly.toml", f'app = "a"\n[env]\nGITHUB_TOKEN = "{TOKEN}"\n'),
    "render": (
        "render.yaml",
        "services:\n  - type: web\n    name: api\n    envVars:\n"
        f"      - key: GITHUB_TOKEN\n        value: {TOKEN}\n",
    ),
    "digitalocean": (
        ".do/app.yaml",
        f"name: a\nservices:\n  - name: api\n    envs:\n      - key: GITHUB_TOKEN\n        value: {TOKEN}\n",
    ),
    "zappa": (
        "zappa_settings.json",
        _json({"dev": {"app_function": "app.app", "environment_variables": {"GITHUB_TOKEN": TOKEN}}}),
    ),
    "chalice": (
        "api/.chalice/config.json",
        _json({"version": "2.0", "app_name": "api", "environment_variables": {"GITHUB_TOKEN": TOKEN}}),
    ),
    "architect": ("app.arc", f"@app\napi\n\n@http\nget /\n\n@aws\nregion us-east-1\n# {TOKEN}\n"),
    "architect-prefs": ("prefs.arc", f"@env\ntesting\n  GITHUB_TOKEN {TOKEN}\n"),
    "firebase-runtimeconfig": (
        "functions/.runtimeconfig.json",
        f'{{\n  "github": {{\n    "token": "{TOKEN}"\n  }}\n}}\n',
    ),
    "firebase-env": ("functions/.env.my-project", f"GITHUB_TOKEN={TOKEN}\n"),
    "firebase-apphosting": (
        "apphosting.yaml",
        f"env:\n  - variable: GITHUB_TOKEN\n    value: {TOKEN}\n",
    ),
    "azure-function-json": (
        "Fn/function.json",
        _json({"bindings": [{"type": "httpTrigger", "connection": TOKEN}]}),
    ),
    "terraform": (
        "infra/main.tf",
        'resource "aws_lambda_function" "api" {\n  function_name = "api"\n  environment {\n'
        f'    variables = {{\n      GITHUB_TOKEN = "{TOKEN}"\n    }}\n  }}\n}}\n',
    ),
    "terraform-json": (
        "infra/main.tf.json",
        _json({"resource": {"aws_lambda_function": {"api": {"environment": {"variables": _VARS}}}}}),
    ),
    "serverless-code": (
        "serverless.ts",
        "const config = {\n  service: 'api',\n  provider: {\n    name: 'aws',\n    environment: {\n"
        f"      GITHUB_TOKEN: '{TOKEN}',\n    }},\n  }},\n}};\nexport default config;\n",
    ),
    "serverless": (
        "serverless.yml",
        "service: api\nframeworkVersion: '3'\nprovider:\n  name: aws\n  runtime: nodejs20.x\nfunctions:\n"
        f"  hello:\n    handler: h.main\n    environment:\n      GITHUB_TOKEN: {TOKEN}\n",
    ),
    "cloudformation": (
        "template.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n"
        "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: h.main\n"
        f"      Environment:\n        Variables:\n          GITHUB_TOKEN: {TOKEN}\n",
    ),
    "azure-arm": (
        "azuredeploy.json",
        _json(
            {
                "$schema": "deploymentTemplate.json",
                "resources": [
                    {
                        "type": "Microsoft.Web/sites",
                        "name": "app",
                        "properties": {
                            "siteConfig": {"appSettings": [{"name": "GITHUB_TOKEN", "value": TOKEN}]}
                        },
                    }
                ],
            }
        ),
    ),
    "openfaas": (
        "stack.yml",
        "provider:\n  name: openfaas\nfunctions:\n  api:\n    image: api:latest\n    environment:\n"
        f"      GITHUB_TOKEN: {TOKEN}\n",
    ),
    "cloud-run": (
        "service.yaml",
        _K
        + "  annotations:\n    run.googleapis.com/ingress: all\n"
        + _KSPEC
        + f"            - name: GITHUB_TOKEN\n              value: {TOKEN}\n",
    ),
    "knative": (
        "service.yaml",
        _K + _KSPEC + f"            - name: GITHUB_TOKEN\n              value: {TOKEN}\n",
    ),
    "gae": ("app.yaml", f"runtime: python312\nenv_variables:\n  GITHUB_TOKEN: {TOKEN}\n"),
}
# Advisories next to a secret: a provider-wide variable in Serverless, a parameter without NoEcho in SAM.
ADVICE: dict[str, tuple[str, str]] = {
    "serverless": (
        "advice/serverless.yml",
        "service: api\nframeworkVersion: '3'\nprovider:\n  name: aws\n  runtime: nodejs20.x\n  environment:\n"
        f"    GITHUB_TOKEN: {TOKEN}\nfunctions:\n  hello:\n    handler: h.main\n",
    ),
    "cloudformation": (
        "advice/template.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  DbPassword:\n    Type: String\nResources:\n"
        "  Topic:\n    Type: AWS::SNS::Topic\n",
    ),
}


def scan(path: str, text: str) -> ScanResult:
    """A manifest scanned as the bot scans it."""
    config = ScanConfig(fingerprint_key=b"render")
    return scan_file(path, text.encode(), ruleset=RuleSet.default(), config=config)
