"""Hand-built findings for the renderer tests: what the scanner would say about two small manifests."""

from __future__ import annotations

from bot.core.findings import (
    Finding,
    Notice,
    NoticeKind,
    Remediation,
    ScanResult,
    Severity,
    fingerprint,
    redact,
)

TOKEN = "ghp_" + "Zq8Xw2Lm" * 4 + "Ab12"
PASSWORD = "hunter2" + "hunter2"


def make_finding(
    *,
    path: str = "serverless.yml",
    line: int = 14,
    key: str = "provider.environment.GITHUB_API_KEY",
    rule: str = "github-pat",
    value: str = TOKEN,
    severity: Severity = Severity.HIGH,
    remediation: Remediation | None = None,
) -> Finding:
    return Finding(
        path=path,
        line=line,
        column=21,
        end_line=line,
        key=key,
        rule=rule,
        severity=severity,
        message=f"GitHub token in {key.rsplit('.', 1)[-1]}",
        redacted=redact(value),
        fingerprint=fingerprint(path=path, key=key, rule=rule, value=value, fingerprint_key=b"tests"),
        remediation=remediation,
        platform="serverless",
    )


SSM_FIX = Remediation(
    replacement="    GITHUB_API_KEY: ${ssm:/hello-world/github-api-key}",
    store_command=(
        "aws ssm put-parameter --name /hello-world/github-api-key --type SecureString "
        '--value "$GITHUB_API_KEY"'
    ),
    docs="https://www.serverless.com/framework/docs/guides/variables/ssm",
    runtime_hint="fetch it at runtime with the SSM GetParameter API",
)


def sample_results() -> list[ScanResult]:
    """Two files with findings, one clean file, one file that could not be parsed."""
    serverless = ScanResult(
        "services/api/serverless.yml",
        "serverless",
        findings=(
            make_finding(path="services/api/serverless.yml", line=30, remediation=SSM_FIX),
            make_finding(
                path="services/api/serverless.yml",
                line=12,
                key="custom.dbPassword",
                rule="generic-password",
                value=PASSWORD,
                severity=Severity.MEDIUM,
            ),
        ),
    )
    template = ScanResult(
        "template with space.yaml",
        "sam",
        findings=(
            make_finding(path="template with space.yaml", line=5, rule="scope-env", severity=Severity.LOW),
        ),
    )
    clean = ScanResult("other/serverless.yml", "serverless")
    broken = ScanResult(
        "broken/serverless.yml",
        "serverless",
        notices=(Notice("broken/serverless.yml", NoticeKind.PARSE_ERROR, "invalid YAML at line 3", 3),),
    )
    return [serverless, template, clean, broken]


# The keys of one finding in the JSON document: a contract the bot and the benchmarks read.
FINDING_KEYS = {
    "path",
    "line",
    "column",
    "end_line",
    "key",
    "rule",
    "severity",
    "message",
    "redacted",
    "fingerprint",
    "remediation",
    # null outside `scan --history`
    "commit",
    "author",
    "author_date",
    "in_head",
    # null unless `scan --verify` asked the value's provider
    "verified",
    "verified_at",
}
