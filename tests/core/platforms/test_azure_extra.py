from __future__ import annotations

from tests.core.platforms.support import (
    PASSWORD,
    assert_fix_property,
    remediation_at,
    scan,
    serious,
    serious_lines,
)

ACCOUNT_KEY = "Ab3" * 29 + "x=="
STORAGE = (
    "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey="
    + ACCOUNT_KEY
    + ";EndpointSuffix=core.windows.net"
)

FUNCTION_JSON = f"""{{
  "scriptFile": "__init__.py",
  "bindings": [
    {{
      "name": "msg",
      "type": "queueTrigger",
      "direction": "in",
      "queueName": "%QueueName%",
      "connection": "AzureWebJobsStorage"
    }},
    {{
      "name": "out",
      "type": "blob",
      "direction": "out",
      "path": "out/{{rand-guid}}",
      "connection": "{STORAGE}"
    }}
  ]
}}
"""

ARM = f"""{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {{
    "dbPassword": {{"type": "securestring", "defaultValue": "{PASSWORD}"}},
    "siteName": {{"type": "string", "defaultValue": "my-func"}}
  }},
  "resources": [
    {{
      "type": "Microsoft.Web/sites",
      "apiVersion": "2022-03-01",
      "name": "[parameters('siteName')]",
      "kind": "functionapp",
      "properties": {{
        "siteConfig": {{
          "appSettings": [
            {{"name": "FUNCTIONS_WORKER_RUNTIME", "value": "python"}},
            {{"name": "DB_PASSWORD", "value": "[parameters('dbPassword')]"}},
            {{"name": "STRIPE_SECRET", "value": "{PASSWORD}"}},
            {{"name": "VAULTED", "value": "@Microsoft.KeyVault(VaultName=kv;SecretName=vaulted)"}}
          ]
        }}
      }}
    }},
    {{
      "type": "Microsoft.Web/sites/config",
      "apiVersion": "2022-03-01",
      "name": "[concat(parameters('siteName'), '/appsettings')]",
      "properties": {{"WEBHOOK_SECRET": "{PASSWORD}"}}
    }}
  ]
}}
"""


def test_a_literal_connection_string_in_a_binding_is_found() -> None:
    result = scan("QueueFn/function.json", FUNCTION_JSON)
    assert result.platform == "azure-function-json"
    assert serious_lines("QueueFn/function.json", FUNCTION_JSON) == [16]


def test_setting_names_and_binding_expressions_are_safe() -> None:
    lines = serious_lines("QueueFn/function.json", FUNCTION_JSON)
    assert 8 not in lines and 9 not in lines


def test_binding_fix_drops_the_key_and_says_to_name_an_app_setting() -> None:
    finding = serious(scan("QueueFn/function.json", FUNCTION_JSON))[0]
    assert finding.remediation is not None
    assert ACCOUNT_KEY not in (finding.remediation.replacement or "")
    assert finding.remediation.store_command is not None
    assert finding.remediation.store_command.startswith("az keyvault secret set --vault-name <your-vault>")
    assert "setting's name" in (finding.remediation.runtime_hint or "")


def test_host_json_is_read_and_quiet() -> None:
    host = '{\n  "version": "2.0",\n  "logging": {"logLevel": {"default": "Information"}}\n}\n'
    result = scan("host.json", host)
    assert result.platform == "azure-function-json"
    assert result.findings == ()


def test_arm_app_settings_and_parameter_defaults_are_found() -> None:
    result = scan("infra/azuredeploy.json", ARM)
    assert result.platform == "azure-arm"
    assert serious_lines("infra/azuredeploy.json", ARM) == [5, 19, 29]


def test_arm_expressions_and_key_vault_references_are_safe() -> None:
    lines = serious_lines("infra/azuredeploy.json", ARM)
    assert 18 not in lines and 20 not in lines


def test_arm_fix_is_a_key_vault_reference() -> None:
    fix = remediation_at("azuredeploy.json", ARM, 19)
    assert fix.replacement == (
        '            {"name": "STRIPE_SECRET", "value": "@Microsoft.KeyVault(VaultName=<your-vault>;'
        'SecretName=stripe-secret)"},'
    )


def test_a_json_file_that_is_not_an_arm_template_for_web_sites_is_not_misread() -> None:
    storage_only = ARM.replace("Microsoft.Web/sites/config", "Microsoft.Storage/x").replace(
        "Microsoft.Web/sites", "Microsoft.Storage/storageAccounts"
    )
    assert scan("azuredeploy.json", storage_only).platform is None


def test_fix_property() -> None:
    assert_fix_property("QueueFn/function.json", FUNCTION_JSON)
    assert_fix_property("azuredeploy.json", ARM)
