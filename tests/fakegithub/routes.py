"""Operation id (from the REST description) -> handler, and which operations use which authentication."""

from __future__ import annotations

from collections.abc import Callable

from tests.fakegithub import (
    routes_app,
    routes_checks,
    routes_comments,
    routes_git,
    routes_installation,
    routes_issues,
    routes_oauth,
    routes_repos,
)
from tests.fakegithub.call import Call, Reply

HANDLERS: dict[str, Callable[[Call], Reply]] = {
    "apps/create-installation-access-token": routes_app.create_installation_token,
    "apps/create-from-manifest": routes_app.convert_manifest,
    "apps/get-authenticated": routes_app.get_authenticated_app,
    "apps/list-repos-accessible-to-installation": routes_installation.list_repositories,
    "git/get-tree": routes_repos.get_tree,
    "git/get-blob": routes_repos.get_blob,
    "git/get-ref": routes_repos.get_ref,
    "repos/get-commit": routes_repos.get_commit,
    "pulls/list-commits": routes_repos.list_pull_commits,
    "repos/get": routes_repos.get_repo,
    "repos/get-content": routes_repos.get_content,
    "repos/compare-commits-with-basehead": routes_repos.compare,
    "repos/list-pull-requests-associated-with-commit": routes_repos.pulls_for_commit,
    "repos/get-collaborator-permission-level": routes_repos.collaborator_permission,
    "pulls/get": routes_repos.get_pull,
    "pulls/list-files": routes_repos.list_pull_files,
    "pulls/list-review-comments": routes_comments.list_review_comments,
    "pulls/create-review": routes_comments.create_review,
    "pulls/update-review-comment": routes_comments.update_review_comment,
    "checks/create": routes_checks.create,
    "checks/get": routes_checks.get,
    "checks/update": routes_checks.update,
    "checks/list-for-ref": routes_checks.list_for_ref,
    "checks/get-suite": routes_checks.get_suite,
    "issues/list-comments": routes_comments.list_issue_comments,
    "issues/create-comment": routes_comments.create_issue_comment,
    "reactions/create-for-issue-comment": routes_comments.create_reaction,
    "issues/list-for-repo": routes_issues.list_for_repo,
    "issues/create": routes_issues.create,
    "issues/get": routes_issues.get,
    "issues/update": routes_issues.update,
    **routes_git.HANDLERS,
    "users/get-authenticated": routes_oauth.get_authenticated_user,
    "apps/list-installations-for-authenticated-user": routes_oauth.list_installations,
    "apps/list-installation-repos-for-authenticated-user": routes_oauth.list_installation_repos,
}

APP_AUTH = frozenset({"apps/create-installation-access-token", "apps/get-authenticated"})
NO_AUTH = frozenset({"apps/create-from-manifest"})
USER_AUTH = frozenset(  # a user-to-server token (`routes_oauth`)
    {
        "users/get-authenticated",
        "apps/list-installations-for-authenticated-user",
        "apps/list-installation-repos-for-authenticated-user",
    }
)
