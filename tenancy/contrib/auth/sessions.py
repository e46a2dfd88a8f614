"""A session belongs to the tenant it was made at (``None``: the public site or a static site)."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY

TENANT_SESSION_KEY = "_tenancy_tenant"


def session_token(tenant) -> str:
    """What a session records of ``tenant``: its database and primary key ("" for no tenant)."""
    return "" if tenant is None else f"{tenant._state.db}:{tenant.pk}"


def bind_session(sender, request, user, **kwargs) -> None:
    """On login (``user_logged_in``): record the request's tenant in the new session."""
    if request is not None and hasattr(request, "session"):
        request.session[TENANT_SESSION_KEY] = session_token(getattr(request, "tenant", None))


def made_elsewhere(request) -> bool:
    """Whether ``request``'s session logged a user in at another tenant than the request's (or
    before it was bound to any)."""
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return False
    return session.get(TENANT_SESSION_KEY) != session_token(getattr(request, "tenant", None))
