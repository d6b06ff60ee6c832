"""Cut GitHub's official REST description down to the operations the bot sends, for the fake to check against.

Run by hand when GitHub's API changes (it needs the npm package, not the network at test time):

    cd /tmp && npm pack @octokit/openapi && tar xzf octokit-openapi-*.tgz
    .venv/bin/python tests/fakegithub/extract_subset.py /tmp/package

Operations are chosen by `operationId`; every component they reference (parameters, schemas, responses,
headers, examples) is copied, recursively, so the subset is a valid OpenAPI document on its own.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SOURCE_FILE = "generated/api.github.com.json"

OPERATIONS = (
    "apps/create-installation-access-token",
    "apps/create-from-manifest",
    "apps/get-authenticated",
    "git/get-tree",
    "git/get-blob",
    "git/get-ref",
    "repos/get-commit",
    "pulls/list-commits",
    "repos/get",
    "repos/get-content",
    "repos/compare-commits-with-basehead",
    "repos/list-pull-requests-associated-with-commit",
    "repos/get-collaborator-permission-level",
    "pulls/get",
    "pulls/list-files",
    "pulls/list-review-comments",
    "pulls/create-review",
    "pulls/update-review-comment",
    "checks/create",
    "checks/get",
    "checks/update",
    "checks/list-for-ref",
    "checks/get-suite",
    "issues/list-comments",
    "issues/create-comment",
    "reactions/create-for-issue-comment",
    "git/get-commit",
    "git/create-blob",
    "git/create-tree",
    "git/create-commit",
    "git/create-ref",
    "git/update-ref",
    "pulls/create",
    "pulls/list",
    "pulls/update",
    "issues/create",
    "issues/get",
    "issues/update",
    "issues/list-for-repo",
    "apps/list-repos-accessible-to-installation",
    "users/get-authenticated",
    "apps/list-installations-for-authenticated-user",
    "apps/list-installation-repos-for-authenticated-user",
)

_DROPPED_KEYS = ("examples", "example", "x-github", "x-octokit")


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            found.add(ref)
        for value in node.values():
            found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


def _strip(node: Any) -> Any:
    """Examples are large and never used for validation; everything that constrains a request is kept."""
    if isinstance(node, dict):
        return {key: _strip(value) for key, value in node.items() if key not in _DROPPED_KEYS}
    if isinstance(node, list):
        return [_strip(value) for value in node]
    return node


def _resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _selected_paths(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    wanted = set(OPERATIONS)
    paths: dict[str, dict[str, Any]] = {}
    for template, item in document["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and operation.get("operationId") in wanted:
                paths.setdefault(template, {})[method] = _strip(operation)
                wanted.discard(operation["operationId"])
    if wanted:
        raise SystemExit(f"operations missing from the description: {sorted(wanted)}")
    return paths


def _components(document: dict[str, Any], paths: dict[str, Any]) -> dict[str, dict[str, Any]]:
    components: dict[str, dict[str, Any]] = {}
    pending = _refs(paths)
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        seen.add(ref)
        _, _, kind, name = ref.split("/", 3)
        node = _strip(_resolve(document, ref))
        components.setdefault(kind, {})[name] = node
        pending |= _refs(node) - seen
    return {kind: dict(sorted(items.items())) for kind, items in sorted(components.items())}


def extract(package_dir: Path) -> dict[str, Any]:
    manifest = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    document = json.loads((package_dir / SOURCE_FILE).read_text(encoding="utf-8"))
    paths = _selected_paths(document)
    return {
        "openapi": document["openapi"],
        "info": document["info"],
        "x-source": {
            "package": manifest["name"],
            "version": manifest["version"],
            "file": SOURCE_FILE,
            "upstream": "https://github.com/github/rest-api-description",
            "operations": list(OPERATIONS),
            "trimmed": f"the listed operations and the components they reference; {_DROPPED_KEYS} dropped",
        },
        "paths": dict(sorted(paths.items())),
        "components": _components(document, paths),
    }


def main(argv: list[str]) -> None:
    package_dir = Path(argv[1]) if len(argv) > 1 else Path("/tmp/package")
    target = Path(__file__).with_name("rest-api-subset.json")
    subset = extract(package_dir)
    target.write_text(json.dumps(subset, indent=1, sort_keys=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv)
