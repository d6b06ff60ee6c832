from __future__ import annotations

from tests.core.platforms.support import (
    PASSWORD,
    SOPS_VALUE,
    assert_fix_property,
    scan,
    serious,
    serious_lines,
)

CLOUD_RUN = f"""apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: api
  annotations:
    run.googleapis.com/ingress: all
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/maxScale: "10"
    spec:
      serviceAccountName: api@project.iam.gserviceaccount.com
      containers:
        - image: europe-docker.pkg.dev/project/api/api:1
          env:
            - name: DB_PASSWORD
              value: {PASSWORD}
            - name: API_KEY
              valueFrom:
                secretKeyRef:
                  name: api-key
                  key: latest
"""


def test_cloud_run_is_told_apart_from_plain_knative_by_its_annotations() -> None:
    result = scan("service.yaml", CLOUD_RUN)
    assert result.platform == "cloud-run"
    assert serious_lines("service.yaml", CLOUD_RUN) == [18]


def test_secret_manager_references_are_safe() -> None:
    assert 22 not in serious_lines("service.yaml", CLOUD_RUN)
    assert 23 not in serious_lines("service.yaml", CLOUD_RUN)


def test_fix_creates_a_secret_manager_secret_from_stdin_and_points_to_secret_key_ref() -> None:
    finding = serious(scan("service.yaml", CLOUD_RUN))[0]
    assert finding.remediation is not None
    assert (
        finding.remediation.store_command
        == "printf '%s' \"$DB_PASSWORD\" | gcloud secrets create db-password --data-file=-"
    )
    hint = finding.remediation.runtime_hint or ""
    assert "key: latest" in hint and "--update-secrets DB_PASSWORD=db-password:latest" in hint


def test_placeholders_and_ciphertext_are_not_secrets() -> None:
    assert serious_lines("service.yaml", CLOUD_RUN.replace(PASSWORD, "your-password-here")) == []
    assert serious_lines("service.yaml", CLOUD_RUN.replace(PASSWORD, f'"{SOPS_VALUE}"')) == []


def test_a_cloud_run_job_in_the_v1_api_is_recognised() -> None:
    job = CLOUD_RUN.replace(
        "apiVersion: serving.knative.dev/v1\nkind: Service", "apiVersion: run.googleapis.com/v1\nkind: Job"
    )
    assert scan("job.yaml", job).platform == "cloud-run"


def test_fix_property() -> None:
    assert_fix_property("service.yaml", CLOUD_RUN)
