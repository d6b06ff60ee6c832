"""Where a credential in a URL or connection string leads: a local service, a documentation host, or not.

Default and weak credentials (`postgres:postgres`, `admin:admin`, `app:Password123`) are harmless only where
nobody else can reach the service: a developer's machine or a container network. That is the only evidence
that forgives them. Local means loopback (`localhost`, `127.0.0.1`, `::1`, `0.0.0.0`), Docker's
`host.docker.internal`, names under `.localhost` / `.local` (mDNS), and single-label names such as `db`,
`postgres` or `redis`: only a private resolver (a docker-compose network, a Kubernetes namespace,
`/etc/hosts`) answers for those, so they name a development stack rather than a deployed service. The
reserved documentation domains (`example.com`, `*.example`, `*.test`, `*.invalid`, RFC 2606) are no host
at all: a credential written for them is a template. Any other host, and a host that is itself a
reference (`${DB_HOST}`), may be a production service, so weak credentials for it are reported.
"""

from __future__ import annotations

from bot.core.linear import LinearPattern

_LOOPBACK = LinearPattern(r"^(?:localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[?::1\]?|host\.docker\.internal)$")
_LOCAL_SUFFIX = (".localhost", ".local")
_LABEL = LinearPattern(r"^[A-Za-z][A-Za-z0-9_-]*$")
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
    return bool(_LOOPBACK.match(name)) or name.endswith(_LOCAL_SUFFIX) or bool(_LABEL.match(name))


def is_documentation_host(host: str) -> bool:
    """A reserved documentation domain (RFC 2606): `example.com`, `db.example.org`, `api.test`."""
    return bool(_DOCUMENTATION.search(host_of(host)))
