"""Content types, permissions and generic relations of tenant models.

A declared tenant model has one content type, shared by every tenant: ``shop.order`` names the
type, and the tenant a row belongs to says which table it is in. Its default permissions hang off
that content type, so ``user.has_perm("shop.change_order")`` means what it means for any model.
Django creates content types and permissions for concrete models only, so tenancy creates them for
declared tenant models after ``migrate``.

A ``GenericForeignKey`` on a tenant model resolves a content type within that tenant: a comment in
acme's tables pointing at ``shop.order`` finds its object in acme's orders.
"""

from __future__ import annotations

import copy
import functools

from django.apps import apps as global_apps

from .base import declared_models


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


def create_content_types(app_config, using="default", verbosity=2, apps=global_apps, **kwargs):
    """post_migrate receiver: content types and permissions of the app's declared tenant models."""
    if not app_config.models_module:
        return
    try:
        ContentType = apps.get_model("contenttypes", "ContentType")
    except LookupError:
        return
    try:
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        Permission = None
    for model in declared_models:
        opts = model._meta
        if opts.app_label != app_config.label:
            continue
        content_type, created = ContentType.objects.using(using).get_or_create(
            app_label=opts.app_label, model=opts.model_name
        )
        if created and verbosity >= 2:
            print(f"Adding content type '{opts.app_label} | {opts.model_name}'")
        if Permission is None:
            continue
        permissions = Permission.objects.using(using).filter(content_type=content_type)
        existing = set(permissions.values_list("codename", flat=True))
        Permission.objects.using(using).bulk_create(
            Permission(codename=codename, name=name, content_type=content_type)
            for codename, name in _permissions(opts)
            if codename not in existing
        )


def _permissions(opts) -> list[tuple[str, str]]:
    builtin = [
        (f"{action}_{opts.model_name}", f"Can {action} {opts.verbose_name_raw}") for action in opts.default_permissions
    ]
    return [*builtin, *opts.permissions]
