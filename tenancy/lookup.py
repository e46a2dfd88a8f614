"""The tenant of a routing key or host, remembered per process: :data:`lookup`.

A key is looked up in the tenant model's unique field ``TENANCY_ROUTING_FIELD``, a host among the
tenants' domains (``tenancy.contrib.domains``): one indexed query the first time, none while the
process remembers the answer. An answer is trusted for ``TENANCY_ROUTING_TIMEOUT`` seconds at
most, and forgotten sooner when the tenant (or a domain) changes: at once in the process that
changed it, and on PostgreSQL in every other process too, told by :mod:`tenancy.invalidation`.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, router
from django.db.models import OuterRef, Subquery

from .conf import settings
from .routing import Route
from .utils import get_tenant_model


@dataclass(frozen=True)
class Found:
    """A lookup's answer: the tenant (None: no tenant has the key) and, by host, its primary domain."""

    tenant: object
    primary_domain: str | None = None


class TenantLookup:
    """Tenants by routing key or host, remembered for a while; thread safe, bounded."""

    def __init__(self, size: int = 1000):
        self.size = size
        self.entries: OrderedDict[tuple[str, bool, str], tuple[float, Found]] = OrderedDict()
        self.lock = threading.Lock()

    def cached(self, using: str, found: Route) -> Found | None:
        """The answer remembered for ``found``'s key, or None when there is none (or it expired)."""
        entry_key = (using, found.by_domain, found.key)
        entry = self.entries.get(entry_key)  # without the lock: one atomic operation
        if entry is None or entry[0] <= time.monotonic():
            return None
        try:
            self.entries.move_to_end(entry_key)  # the most recently used
        except KeyError:  # forgotten meanwhile, by another thread: still the answer of a moment ago
            pass
        return entry[1]

    def get(self, using: str, found: Route) -> Found:
        """The tenant ``found`` names in database ``using``: remembered, else asked of the database."""
        answer = self.cached(using, found)
        if answer is not None:
            return answer
        from . import invalidation

        invalidation.listen(using)  # before the query: a change committed after it is then heard of
        now = time.monotonic()
        answer = _by_domain(using, found.key) if found.by_domain else _by_key(using, found.key)
        with self.lock:
            self.entries[using, found.by_domain, found.key] = (now + settings.TENANCY_ROUTING_TIMEOUT, answer)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return answer

    async def aget(self, using: str, found: Route) -> Found:
        """:meth:`get` for async code: a remembered answer costs no switch to a thread."""
        return self.cached(using, found) or await sync_to_async(self.get)(using, found)

    def forget(self, pk=None, using: str | None = None) -> None:
        """Forget what led to the tenant of ``pk`` (all tenants when None) and every unknown key.

        Unknown keys go too: a tenant created or renamed may be what they now name. ``pk`` may be
        given as a string (as a notice from another process carries it).
        """
        pk = None if pk is None else str(pk)
        with self.lock:
            for entry_key, (_, answer) in list(self.entries.items()):
                if using is not None and entry_key[0] != using:
                    continue
                if pk is None or answer.tenant is None or str(answer.tenant.pk) == pk:
                    del self.entries[entry_key]

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


lookup = TenantLookup()


def tenants_database() -> str:
    """The database requests' tenants are looked up in: the routers' choice for reading the tenant
    model, or the default database, without asking, when there are no DATABASE_ROUTERS."""
    if not router.routers:
        return DEFAULT_DB_ALIAS
    return router.db_for_read(get_tenant_model())


def _by_key(using: str, key: str) -> Found:
    model = get_tenant_model()
    rows = model._base_manager.using(using).filter(**{settings.TENANCY_ROUTING_FIELD: key})
    return Found(next(iter(rows[:1]), None))  # not .first(): no ORDER BY on a unique field


def _by_domain(using: str, host: str) -> Found:
    """The tenant of ``host`` and its primary domain, in one query."""
    domain_model = apps.get_model("tenancy_domains", "Domain")
    primary = domain_model._base_manager.filter(tenant=OuterRef("tenant"), is_primary=True).values("domain")[:1]
    rows = (
        domain_model._base_manager.using(using)
        .filter(domain=host)
        .select_related("tenant")
        .annotate(primary_domain=Subquery(primary))
    )
    row = next(iter(rows[:1]), None)
    return Found(row.tenant, row.primary_domain) if row is not None else Found(None)
