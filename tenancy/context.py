"""An opt-in "current tenant", for code that cannot be handed the tenant explicitly.

tenancy itself never reads it: every tenant class carries its tenant. It exists for code that
is called without one (an authentication backend, a logging filter, a third-party app's signal
receiver). ``TenantMiddleware`` sets it for the duration of a request when
``TENANCY_CURRENT_TENANT = True``; ``using_tenant()`` sets it around any other block::

    from tenancy.context import current_tenant, using_tenant

    with using_tenant(acme):
        current_tenant()  # acme

It is a ``contextvars.ContextVar``: each asyncio task and each request has its own value, and
``asgiref``'s ``sync_to_async``/``async_to_sync`` carry it over. A thread started by hand does
not inherit it (start it with ``contextvars.copy_context().run``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar = ContextVar("tenancy_current_tenant", default=None)


def current_tenant():
    """The tenant set by ``using_tenant()`` or by the middleware, else None."""
    return _current.get()


@contextmanager
def using_tenant(tenant) -> Iterator[None]:
    """Make ``tenant`` the current tenant inside the block (restored after it)."""
    token = _current.set(tenant)
    try:
        yield
    finally:
        _current.reset(token)
