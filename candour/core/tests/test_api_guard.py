"""Every API route names the capability it needs on its own door (``auth=requires(...)``), so a
route added without one fails here rather than answering every token holder."""

from __future__ import annotations

from ninja import Router

from candour.cases import process
from candour.core.api import api
from candour.core.apischema import TokenAuth
from candour.core.roles import ROLE_CAPABILITIES, Capability


def _routes() -> list[tuple[str, str, object]]:
    routers: list[Router] = [api.default_router, *(router for _, router in api._routers)]
    routes = []
    for router in dict.fromkeys(routers):  # the default router may be listed twice
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                routes.append((",".join(operation.methods), path, operation.auth_param))
    return routes


def test_the_api_s_routes_are_found() -> None:
    found = {(methods, path) for methods, path, _ in _routes()}
    assert {("GET", ""), ("POST", "/{case_id}/actions"), ("GET", "/stats")} <= found
    assert len(found) >= 7


def test_every_route_declares_the_capability_it_needs() -> None:
    unguarded = [
        (methods, path)
        for methods, path, auth in _routes()
        if not (
            isinstance(auth, TokenAuth) and auth.capability in Capability.values
        )  # a list of guards, or the API's default TokenAuth() without one, is refused too
    ]
    assert unguarded == []


def test_the_actions_route_asks_for_a_capability_every_action_taker_holds() -> None:
    """POST /api/cases/{id}/actions asks for EDIT_CASES at the door and the workflow for the
    action's own capability: a role that may take some action must hold EDIT_CASES."""
    needed = {action.capability for action in process.ACTIONS.values()}
    for role, capabilities in ROLE_CAPABILITIES.items():
        if needed & capabilities:
            assert Capability.EDIT_CASES in capabilities, role
