"""The bounded cache of built tenant classes, and ``tenant.models``.

Building a tenant's classes costs a few milliseconds, so they are kept, but only for the
``TENANCY_CACHE_SIZE`` most recently built tenants: past that the least recently used tenant's
entry is released. A released entry forgets its classes, so they are garbage as soon as nobody
else holds them; a class obtained earlier keeps working, and the next use builds fresh ones.

The tenant instance keeps a reference to its entry, which makes ``Order.for_tenant(tenant)`` a
dictionary lookup on the hot path.
"""

from __future__ import annotations

import bisect
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db import router

from .conf import settings
from .exceptions import TenantDeleted, TenantNotProvisioned

if TYPE_CHECKING:
    from .base import TenantModel
    from .tenants import AbstractTenant


class TenantModels:
    """The model classes of one tenant, as ``tenant.models`` returns them.

    ``models[Order]``, ``models["shop.Order"]`` and ``models[acme_order_class]`` all give the
    tenant's ``Order`` class; iterating yields every class of the tenant.
    """

    def __init__(self, tenant: AbstractTenant, using: str, classes: dict[type, type]):
        self.tenant = tenant
        self.using = using
        self.classes = classes
        # Both labels: the declared one ("shop.order") and the tenant's ("tenant_acme:shop.order").
        self.by_label = {model._tenancy_declared._meta.label_lower: model for model in classes.values()}
        self.by_label.update({model._meta.label_lower: model for model in classes.values()})

    def __getitem__(self, key: type[TenantModel] | str) -> type[TenantModel]:
        try:
            return self.classes[key]  # the common case: a declared model, entry in the cache
        except (KeyError, TypeError):
            pass
        current = self._current()
        try:
            if isinstance(key, str):
                return current.by_label[key.lower()]
            return current.classes[getattr(key, "_tenancy_declared", None) or key]
        except (KeyError, TypeError):
            raise KeyError(f"{key!r} is not a tenant model (a subclass of tenancy.models.TenantModel)") from None

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key) -> bool:
        return self.get(key) is not None

    def __iter__(self) -> Iterator[type[TenantModel]]:
        return iter(list(self._current().classes.values()))

    def __len__(self) -> int:
        return len(self._current().classes)

    def _current(self) -> TenantModels:
        """This entry, or the tenant's current one if this was released from the cache."""
        return self if self.classes else models_of(self.tenant)

    def __repr__(self) -> str:
        return f"<TenantModels of {self.tenant!r}: {', '.join(model._meta.label for model in self.classes)}>"

    def release(self) -> None:
        # Emptied in place: tenant instances hold this very dict (see ModelCache.get).
        self.classes.clear()
        self.by_label = {}


def _key(tenant: AbstractTenant) -> tuple[str, str]:
    using = tenant._state.db or router.db_for_read(type(tenant), instance=tenant)
    return using, tenant.db_schema


class ModelCache:
    """Least-recently-built cache of :class:`TenantModels`, keyed by (database, schema)."""

    def __init__(self):
        self.entries: OrderedDict[tuple[str, str], TenantModels] = OrderedDict()
        self.deleted = DeletedTenants()
        self.lock = threading.RLock()

    def get(self, tenant: AbstractTenant) -> TenantModels:
        """The classes of ``tenant``, built if they are not cached. Runs no query."""
        if tenant.pk is None:
            if tenant._state.adding:
                raise TenantNotProvisioned(
                    f"{tenant!r} has not been saved: save it first, which creates its schema and tables."
                )
            raise TenantDeleted(f"{tenant!r} has been deleted: it has no tables any more.")
        key = _key(tenant)
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry.tenant.pk != tenant.pk:
                from .factory import build_models

                if (*key, tenant.pk) in self.deleted:
                    raise TenantDeleted(f"{tenant!r} has been deleted: it has no tables any more.")
                entry = TenantModels(tenant, key[0], build_models(tenant, key[0]))
                self.entries[key] = entry
                self._evict()
            else:
                self.entries.move_to_end(key)
        tenant._tenancy_classes = entry.classes  # the hot path of TenantModel.for_tenant()
        tenant._tenancy_entry = entry  # and of tenant.models
        return entry

    def _evict(self) -> None:
        size = max(int(settings.TENANCY_CACHE_SIZE), 1)
        while len(self.entries) > size:
            (_, schema), entry = self.entries.popitem(last=False)
            entry.release()
            _forget_content_types(schema)

    def forget(self, using: str, schema: str, deleted_pk=None) -> None:
        """Drop a tenant's entry; given the pk of a deleted tenant, its classes refuse any query.

        Instances of a deleted tenant loaded elsewhere in the process are recognised too (see
        :class:`DeletedTenants`); one deleted by another process is not, and its queries fail
        in the database.
        """
        with self.lock:
            entry = self.entries.pop((using, schema), None)
            if deleted_pk is not None:
                self.deleted.add((using, schema, deleted_pk))
        _forget_content_types(schema)
        if entry is None:
            return
        if deleted_pk is not None:
            for model in entry.classes.values():
                _disable(model, f"{entry.tenant!r} has been deleted")
                for field in model._meta.local_many_to_many:
                    _disable(field.remote_field.through, f"{entry.tenant!r} has been deleted")
        entry.release()

    def clear(self) -> None:
        with self.lock:
            self.deleted = DeletedTenants()
            while self.entries:
                self.entries.popitem()[1].release()


def _forget_content_types(schema: str) -> None:
    from .contenttypes import forget_content_types  # imports tenancy.base, which imports this module

    forget_content_types(schema)


class DeletedTenants:
    """The last ``size`` deleted tenants of this process, as 64-bit hashes of (database, schema, pk).

    Kept in two arrays (insertion order, and sorted for lookups) rather than as Python objects:
    small objects that outlive a deleted tenant's classes would pin the memory those used.
    """

    def __init__(self, size: int = 10_000):
        self.size = size
        self.order = array("q")
        self.sorted = array("q")

    def add(self, key: tuple) -> None:
        if key in self:
            return
        if len(self.order) >= self.size:
            oldest = self.order.pop(0)
            del self.sorted[bisect.bisect_left(self.sorted, oldest)]
        digest = hash(key)
        self.order.append(digest)
        bisect.insort(self.sorted, digest)

    def discard(self, key: tuple) -> None:
        digest = hash(key)
        if key in self:
            self.order.remove(digest)
            del self.sorted[bisect.bisect_left(self.sorted, digest)]

    def __contains__(self, key: tuple) -> bool:
        digest = hash(key)
        i = bisect.bisect_left(self.sorted, digest)
        return i < len(self.sorted) and self.sorted[i] == digest

    def __len__(self) -> int:
        return len(self.order)


def _disable(model, reason: str) -> None:
    """Make every manager of ``model`` raise TenantDeleted instead of querying."""

    def refuse(*args, **kwargs):
        raise TenantDeleted(
            f"{model._meta.label} of {reason}: its tables are gone. Get the classes of an existing "
            "tenant with Model.for_tenant(tenant)."
        )

    opts = model._meta
    for manager in [*opts.managers, opts.base_manager, opts.default_manager]:
        if manager is not None:
            manager.get_queryset = refuse


cache = ModelCache()


def models_of(tenant: AbstractTenant) -> TenantModels:
    """The :class:`TenantModels` of ``tenant``, built on first use."""
    return cache.get(tenant)
