"""A database router that sends each tenant's classes to the database of their tenant.

With several databases, add it to ``DATABASE_ROUTERS`` (first, or before any router that would
answer for tenant classes)::

    DATABASE_ROUTERS = ["tenancy.routers.TenantRouter", ...]

A tenant's classes are built for the database its row was loaded from (or saved to); this router
makes their queries, saves and deletions go there. For every other model it has no opinion, and
the next router (or Django's default) decides.
"""

from __future__ import annotations


class TenantRouter:
    def db_for_read(self, model, **hints) -> str | None:
        return getattr(model, "_tenancy_using", None)

    def db_for_write(self, model, **hints) -> str | None:
        return getattr(model, "_tenancy_using", None)

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        using1 = getattr(type(obj1), "_tenancy_using", None)
        using2 = getattr(type(obj2), "_tenancy_using", None)
        if using1 is None and using2 is None:
            return None
        return obj1._state.db == obj2._state.db
