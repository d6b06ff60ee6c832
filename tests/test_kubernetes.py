"""`deploy/kubernetes/`: rendered here (`tests/kustomize.py`) and every manifest validated against the
Kubernetes JSON schemas that `kubernetes-validate` bundles, for the oldest and newest versions it knows;
then the properties the docs promise (probes, non-root, requests, the key from a Secret) checked by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
from kubernetes_validate.utils import all_versions

from tests.kustomize import KustomizeError, render
from tests.processes import ROOT

DEPLOY = ROOT / "deploy" / "kubernetes"
VERSIONS = sorted({all_versions()[0], "1.30.0", kubernetes_validate.latest_version()})
SERVICE_MONITOR_KEYS = {"selector", "endpoints", "namespaceSelector", "jobLabel"}


def rendered(name: str) -> list[dict[str, Any]]:
    return render(DEPLOY / name)


def by_kind(resources: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("directory", ["base", "overlays/example"])
def test_every_rendered_manifest_is_valid(directory: str, version: str) -> None:
    resources = rendered(directory)
    assert resources
    for resource in resources:
        if resource["kind"] == "ServiceMonitor":  # a CRD: no bundled schema, checked below
            continue
        kubernetes_validate.validate(resource, version, strict=True)  # raises on any error


def test_the_service_monitor_selects_both_metrics_ports() -> None:
    """The Prometheus Operator's CRD is not bundled: its fields are checked against what the CRD takes."""
    resources = rendered("overlays/example")
    monitor = by_kind(resources, "ServiceMonitor")["secrets-bot"]
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert set(monitor["spec"]) <= SERVICE_MONITOR_KEYS
    ports = {endpoint["port"] for endpoint in monitor["spec"]["endpoints"]}
    services = by_kind(resources, "Service")
    named = {port["name"] for service in services.values() for port in service["spec"]["ports"]}
    assert ports == {"http", "metrics"} <= named
    selector = monitor["spec"]["selector"]["matchLabels"]
    for name in ("secrets-bot-web", "secrets-bot-worker-metrics"):
        assert selector.items() <= services[name]["metadata"]["labels"].items()


def test_web_and_worker_run_as_non_root_with_probes_requests_and_the_key_from_a_secret() -> None:
    resources = rendered("overlays/example")
    deployments = by_kind(resources, "Deployment")
    web, worker = deployments["secrets-bot-web"], deployments["secrets-bot-worker"]
    assert worker["spec"]["replicas"] == 3  # the overlay's patch
    web_container = web["spec"]["template"]["spec"]["containers"][0]
    assert web_container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert web_container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for workload in [*deployments.values(), *by_kind(resources, "StatefulSet").values()]:
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["automountServiceAccountToken"] is False
        for container in pod["containers"]:
            assert container["resources"]["requests"]["cpu"] and container["resources"]["requests"]["memory"]
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert "livenessProbe" in container
    for deployment in deployments.values():
        pod = deployment["spec"]["template"]["spec"]
        container = pod["containers"][0]
        assert container["image"] == "ghcr.io/serverless-secrets-bot/secrets-bot:0.1.0"
        key_volume = next(v for v in pod["volumes"] if v["name"] == "private-key")
        assert key_volume["secret"]["secretName"] == "secrets-bot"
        env = {item["name"]: item for item in container["env"]}
        assert "value" not in env["WEBHOOK_SECRET"] and "secretKeyRef" in env["WEBHOOK_SECRET"]["valueFrom"]
    assert {r["metadata"].get("namespace") for r in resources if r["kind"] != "Namespace"} == {"secrets-bot"}


def test_the_renderer_refuses_what_it_does_not_implement(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources: []\nconfigMapGenerator: []\n")
    with pytest.raises(KustomizeError, match="configMapGenerator"):
        render(tmp_path)
    (tmp_path / "kustomization.yaml").write_text(
        "resources: [../x]\npatches:\n  - target: {kind: Deployment}\n    patch: 'spec: {}'\n"
    )
    (tmp_path.parent / "x").mkdir(exist_ok=True)
    (tmp_path.parent / "x" / "kustomization.yaml").write_text("resources: []\n")
    with pytest.raises(KustomizeError, match="strategic-merge"):
        render(tmp_path)


def test_the_validator_catches_a_misspelt_field() -> None:
    """Guards the guard: strict validation refuses what a typo in a manifest would produce."""
    web = by_kind(rendered("base"), "Deployment")["secrets-bot-web"]
    web["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["pth"] = "/readyz"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(web, kubernetes_validate.latest_version(), strict=True)
