"""Where a credential in a URL or connection string leads: a local service, a documentation host, or not.

Default and weak credentials (`postgres:postgres`, `admin:admin`, `app:Password123`) are harmless only where
nobody else can reach the service: the developer's own machine. That is the only evidence that forgives
them. Local means loopback (`localhost`, `127.0.0.1`, `::1`), Docker's `host.docker.internal`
and names under `.localhost` / `.local` (mDNS). A single-label name (`db`, `postgres`, `redis`) is not
local: a manifest is deployed, and a private resolver there (a VPC, a Kubernetes namespace, Cloud Run's
service names) answers for it, so `PG_DB_HOST: db` beside `PG_DB_PASS: postgres` in a deployed `.env.yaml`
is a real database behind a default password. `0.0.0.0` is a bind address ("every interface"), not a
place a client connects to, so it says nothing either. The reserved documentation domains (`example.com`,
`*.example`, `*.test`, `*.invalid`, RFC 2606) are no host at all: a credential written for them is a
template. Any other host, and a host that is itself a reference (`${DB_HOST}`), may be a production
service, so weak credentials for it are reported. A password written without a host of its own takes the
evidence of the settings beside it (`DB_HOST: localhost`).
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.heuristics import key_words
from bot.core.linear import LinearPattern
from bot.core.tree import KeyPath, Mapping, Node, Scalar, Sequence

_LOOPBACK = LinearPattern(r"^(?:localhost|127(?:\.\d{1,3}){3}|\[?::1\]?|host\.docker\.internal)$")
_LOCAL_SUFFIX = (".localhost", ".local")
_DOCUMENTATION = LinearPattern(r"(?:^|\.)example(?:\.(?:com|org|net))?$|\.(?:test|invalid)$")


def host_of(authority: str) -> str:
    """The lower-case host of `host`, `host:port`, `[v6]:port` or `tcp:host,port` (ADO.NET)."""
    text = authority.strip().lower().removeprefix("tcp:")
    if text.startswith("["):
        return text.split("]", 1)[0] + "]"
    return text.split(",", 1)[0].split(":", 1)[0].split("/", 1)[0].rstrip(".")


def is_local_host(host: str) -> bool:
    """A host only the developer's machine or a private container network resolves (see the module doc)."""
    name = host_of(host)
    return bool(_LOOPBACK.match(name)) or name.endswith(_LOCAL_SUFFIX)


def is_documentation_host(host: str) -> bool:
    """A reserved documentation domain (RFC 2606): `example.com`, `db.example.org`, `api.test`."""
    return bool(_DOCUMENTATION.search(host_of(host)))


# Sibling settings that say where the service is: `DB_HOST: localhost`, `REDIS_URL: redis://db:6379`.
_HOST_WORDS = frozenset({"host", "hostname", "server", "endpoint", "address", "addr", "url", "uri", "dsn"})
_AUTHORITY = LinearPattern(r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/\s]*@)?(?P<authority>[^/?#\s]+)")


def names_a_local_service(settings: Iterable[tuple[str, str]]) -> bool:
    """Whether settings written next to a password (`(key, value)` of the same mapping) name a local host
    (`DB_HOST: localhost`, `DATABASE_URL: postgres://localhost:5432/app`) and no other host: the evidence that
    forgives a default or weak password written beside them."""
    local = False
    for key, value in settings:
        words = key_words(key)
        if not words or words[-1] not in _HOST_WORDS or not value.strip():
            continue
        authority = _AUTHORITY.match(value.strip())
        host = authority["authority"] if authority else value
        if not (is_local_host(host) or is_documentation_host(host)):
            return False
        local = True
    return local


def local_service_mappings(root: Node) -> set[KeyPath]:
    """Key paths of the mappings whose settings name a local service (`names_a_local_service`), found in one
    walk of the tree."""
    found: set[KeyPath] = set()
    stack: list[tuple[KeyPath, Node]] = [((), root)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, Mapping):
            settings = [
                (str(k.value), v.value) for k, v in node.items if type(v) is Scalar and type(v.value) is str
            ]
            if names_a_local_service(settings):
                found.add(path)
            stack.extend(
                ((*path, str(key.value)), value) for key, value in node.items if type(value) is not Scalar
            )
        elif isinstance(node, Sequence):
            stack.extend(
                ((*path, number), item) for number, item in enumerate(node.items) if type(item) is not Scalar
            )
    return found
