"""Content types, permissions and generic relations of tenant classes: each tenant has its own.

A tenant's classes carry a tenant-qualified app label (``tenant_acme:shop``), so Django's own
machinery gives each of them a content type of its own (``tenant_acme:shop | order``) and
permissions that name the tenant (``user.has_perm("tenant_acme:shop.change_order")``).
Provisioning a tenant creates them (Django creates content types only for installed apps'
models, after ``migrate``); deleting the tenant deletes them, with every grant of those
permissions. Django caches the content types it looks up for the life of the process: a tenant's
are dropped from that cache when its classes leave tenancy's cache or the tenant is deleted.

A ``GenericForeignKey`` on a tenant model finds its object within that tenant: a content type
names its model by app label, which the tenant's own app registry resolves.
"""

from __future__ import annotations

import copy
import functools

from django.apps import apps as global_apps

from .base import declared_models
from .naming import app_label


def tenant_aware_generic_foreign_key(field) -> None:
    """Turn the GenericForeignKey ``field`` of a tenant class into one that resolves in its tenant."""
    field.__class__ = _tenant_gfk_class(type(field))


@functools.cache
def _tenant_gfk_class(field_class: type) -> type:
    def get_content_type(self, obj=None, id=None, using=None, model=None):
        content_type = field_class.get_content_type(self, obj=obj, id=id, using=using, model=model)
        if id is None:
            return content_type
        # Looked up to find an object: make model_class() (and so get_object_for_this_type() and
        # get_all_objects_for_this_type()) answer with this tenant's class. A copy, so Django's
        # cached content type is not touched.
        bound = copy.copy(content_type)
        bound.model_class = functools.partial(_model_class, self.model._meta.apps, content_type)
        return bound

    return type(field_class.__name__, (field_class,), {"get_content_type": get_content_type})


def _model_class(registry, content_type):
    try:
        return registry.get_model(content_type.app_label, content_type.model)
    except LookupError:
        return None


def tenant_app_labels(schema: str) -> list[str]:
    """The app labels of a tenant's classes (one per app that declares tenant models)."""
    return sorted({app_label(schema, model._meta.app_label) for model in declared_models})


def create_tenant_content_types(tenant, using: str) -> None:
    """Create the content types and permissions of ``tenant``'s classes.

    One content type per class (``tenant_acme:shop | order``), with the permissions of its
    ``Meta.default_permissions`` and ``Meta.permissions``, in two INSERTs.
    """
    if not global_apps.is_installed("django.contrib.contenttypes"):
        return
    from django.contrib.contenttypes.models import ContentType

    schema = tenant.db_schema
    forget_content_types(schema)  # ids cached for an earlier tenant of this schema are stale
    # From the declared models, whose names and options the tenant's classes share: provisioning
    # need not build the classes.
    content_types = ContentType.objects.using(using).bulk_create(
        ContentType(app_label=app_label(schema, model._meta.app_label), model=model._meta.model_name)
        for model in declared_models
    )
    if not global_apps.is_installed("django.contrib.auth"):
        return
    from django.contrib.auth.models import Permission

    if any(ct.pk is None for ct in content_types):  # a backend that returns no ids from bulk inserts
        labels = tenant_app_labels(schema)
        rows = ContentType.objects.using(using).filter(app_label__in=labels).values_list("app_label", "model", "pk")
        ids = {(label, model): pk for label, model, pk in rows}
        for content_type in content_types:
            content_type.pk = ids[content_type.app_label, content_type.model]
    Permission.objects.using(using).bulk_create(
        Permission(codename=codename, name=name, content_type=content_type)
        for model, content_type in zip(declared_models, content_types, strict=True)
        for codename, name in _permissions(model._meta)
    )


def delete_tenant_content_types(schema: str, using: str) -> None:
    """Delete the content types of a tenant's classes, and with them their permissions."""
    if not global_apps.is_installed("django.contrib.contenttypes"):
        return
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.using(using).filter(app_label__in=tenant_app_labels(schema)).delete()
    forget_content_types(schema)


def forget_content_types(schema: str) -> None:
    """Drop a tenant's content types from ContentTypeManager's cache (every database's).

    Django caches each content type it looks up, for the life of the process. Left there, a
    deleted tenant's would give a later tenant of the same schema ids that no longer exist, and
    the cache would grow with every tenant ever used.
    """
    if not global_apps.is_installed("django.contrib.contenttypes"):
        return
    from django.contrib.contenttypes.models import ContentType

    labels = set(tenant_app_labels(schema))
    for cached in ContentType.objects._cache.values():
        stale = [key for key, ct in cached.items() if ct.app_label in labels]
        for key in stale:
            del cached[key]


def _permissions(opts) -> list[tuple[str, str]]:
    builtin = [
        (f"{action}_{opts.model_name}", f"Can {action} {opts.verbose_name_raw}") for action in opts.default_permissions
    ]
    return [*builtin, *opts.permissions]
