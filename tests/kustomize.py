"""A renderer for the subset of kustomize that `deploy/kubernetes/` uses, so tests can render it offline.

Real users run `kubectl apply -k` (kustomize is built into kubectl); neither kubectl nor kustomize is on
PyPI, so the tests render with this instead. It implements, with kustomize's order (a directory's
resources, then its components, then its own transformers), exactly: `resources` (files and directories),
`components`, `namespace`, `images` (`newName`, `newTag`) and `patches` with a `target` (kind and name) and
an inline JSON 6902 patch (`add`, `replace`, `remove`). Anything else in a kustomization is refused, so a
manifest change that this subset cannot render fails the tests instead of being rendered wrongly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

KUSTOMIZATION_KEYS = {"apiVersion", "kind", "resources", "components", "namespace", "images", "patches"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"}
POD_OWNERS = {"Deployment", "StatefulSet", "DaemonSet", "Job"}

Resource = dict[str, Any]


class KustomizeError(Exception):
    """The kustomization uses something this subset does not render."""


def render(directory: Path) -> list[Resource]:
    kustomization = _load_one(directory / "kustomization.yaml")
    unknown = set(kustomization) - KUSTOMIZATION_KEYS
    if unknown:
        raise KustomizeError(f"{directory}: not rendered by the test subset: {sorted(unknown)}")
    resources: list[Resource] = []
    for entry in kustomization.get("resources", []):
        path = (directory / entry).resolve()
        resources += render(path) if path.is_dir() else _load_all(path)
    for entry in kustomization.get("components", []):
        component = (directory / entry).resolve()
        if _load_one(component / "kustomization.yaml").get("kind") != "Component":
            raise KustomizeError(f"{component}: a component must be of kind Component")
        resources += render(component)
    if "namespace" in kustomization:
        for resource in resources:
            if resource["kind"] not in CLUSTER_SCOPED:
                resource.setdefault("metadata", {})["namespace"] = kustomization["namespace"]
    for image in kustomization.get("images", []):
        _set_image(resources, image)
    for patch in kustomization.get("patches", []):
        _patch(resources, patch)
    return resources


def _load_one(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return loaded


def _load_all(path: Path) -> list[Resource]:
    return [document for document in YAML(typ="safe").load_all(path.read_text(encoding="utf-8")) if document]


def _set_image(resources: list[Resource], image: dict[str, str]) -> None:
    if set(image) - {"name", "newName", "newTag"}:
        raise KustomizeError(f"image transform not rendered by the test subset: {sorted(image)}")
    for resource in resources:
        if resource["kind"] not in POD_OWNERS:
            continue
        spec = resource["spec"]["template"]["spec"]
        for container in spec.get("containers", []) + spec.get("initContainers", []):
            name, _, tag = container["image"].partition(":")
            if name == image["name"]:
                container["image"] = f"{image.get('newName', name)}:{image.get('newTag', tag)}".rstrip(":")


def _patch(resources: list[Resource], patch: dict[str, Any]) -> None:
    target, text = patch.get("target"), patch.get("patch")
    if not isinstance(target, dict) or set(target) - {"kind", "name"} or not isinstance(text, str):
        raise KustomizeError("only inline JSON 6902 patches with a kind/name target are rendered")
    operations = YAML(typ="safe").load(text)
    if not isinstance(operations, list):
        raise KustomizeError("strategic-merge patches are not rendered by the test subset")
    matched = [resource for resource in resources if _matches(resource, target)]
    if not matched:
        raise KustomizeError(f"patch target {target} matches no resource")
    for resource in matched:
        for operation in operations:
            _apply(resource, operation)


def _matches(resource: Resource, target: dict[str, str]) -> bool:
    fields = {"kind": resource["kind"], "name": resource["metadata"]["name"]}
    return all(fields[key] == value for key, value in target.items())


def _apply(document: Resource, operation: dict[str, Any]) -> None:
    """One JSON 6902 operation (RFC 6902) on `document`, in place."""
    op, pointer = operation["op"], operation["path"]
    parts = [part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]]
    parent: Any = document
    for part in parts[:-1]:
        parent = parent[int(part)] if isinstance(parent, list) else parent[part]
    last = parts[-1]
    if op == "remove":
        del parent[int(last) if isinstance(parent, list) else last]
    elif op in ("add", "replace"):
        if isinstance(parent, list):
            index = len(parent) if last == "-" else int(last)
            if op == "add":
                parent.insert(index, operation["value"])
            else:
                parent[index] = operation["value"]
        else:
            if op == "replace" and last not in parent:
                raise KustomizeError(f"replace of a missing member {pointer}")
            parent[last] = operation["value"]
    else:
        raise KustomizeError(f"JSON 6902 operation {op!r} is not rendered by the test subset")
