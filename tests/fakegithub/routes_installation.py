"""What an installation token can list about its installation: the repositories it can access."""

from __future__ import annotations

from tests.fakegithub import shapes
from tests.fakegithub.call import Call, Reply, not_found


def list_repositories(call: Call) -> Reply:
    """`GET /installation/repositories`: every repository of the installation (all of the world's when it
    covers every repository), by name, in pages."""
    installation = call.installation
    if installation is None:
        raise not_found()
    world = call.fake.world
    names = sorted(name for name in world.repos if installation.repos is None or name in installation.repos)
    return Reply(
        json={
            "total_count": len(names),
            "repository_selection": "all" if installation.repos is None else "selected",
            "repositories": names,
        },
        page_key="repositories",
        paginate=True,
        render=lambda name: shapes.repository(call.api, world.repos[name], call.owner_of(world.repos[name])),
    )
