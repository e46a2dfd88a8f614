"""Running a management command for one tenant: the tenant's classes in Django's app registry.

Django's commands find models in the global app registry (``django.apps.apps``), where a tenant
model is only its declared, abstract class. :func:`tenant_scope` puts one tenant's classes there,
under their declared labels, for the length of a ``with`` block:

* ``apps.get_model("shop.Order")`` and ``apps.get_app_config("shop").get_models()`` give the
  tenant's ``Order``, whose ``_meta.label`` reads ``shop.Order``: so ``dumpdata shop.Order``
  reads the tenant's table and writes ``"model": "shop.order"``, and ``loaddata`` of that file
  writes into whichever tenant's scope it runs in;
* a content type of one of the tenant's classes is written by its declared natural key
  (``["shop", "product"]``) and read back as the content type of the tenant in scope, so generic
  relations move with the data.

This changes process-wide state, and is only meant for a management command run, which is alone
in its process: :mod:`tenancy`'s own code never calls it. Everything is restored when the block
ends, also on error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from django.apps import apps

from tenancy import naming
from tenancy.registry import models_of


@contextmanager
def tenant_scope(tenant) -> Iterator[None]:
    """Make ``tenant``'s classes the models of their apps in the global registry, in the block."""
    classes = list(models_of(tenant))
    with ExitStack() as undo:
        for model in classes:
            opts, declared = model._meta, model._tenancy_declared._meta
            app_models = apps.all_models[declared.app_label]  # also the app config's .models
            tenant_label = opts.app_label
            opts.app_label = declared.app_label
            app_models[opts.model_name] = model
            undo.callback(_restore, opts, tenant_label, app_models)
        undo.callback(apps.clear_cache)
        apps.clear_cache()
        if apps.is_installed("django.contrib.contenttypes"):
            undo.enter_context(_content_types_of(tenant.db_schema, {m._meta.app_label for m in classes}))
        yield


def _restore(opts, tenant_label: str, app_models: dict) -> None:
    app_models.pop(opts.model_name, None)
    opts.app_label = tenant_label


@contextmanager
def _content_types_of(schema: str, declared_labels: set[str]) -> Iterator[None]:
    """Content types of the tenant's classes by their declared natural keys, both ways."""
    from django.contrib.contenttypes.models import ContentType, ContentTypeManager

    tenant_labels = {naming.app_label(schema, label): label for label in declared_labels}
    natural_key, get_by_natural_key = ContentType.natural_key, ContentTypeManager.get_by_natural_key

    def declared_natural_key(self):
        return (tenant_labels.get(self.app_label, self.app_label), self.model)

    def tenant_get_by_natural_key(self, app_label, model):
        if app_label in declared_labels and apps.all_models[app_label].get(model) is not None:
            found = apps.all_models[app_label][model]
            if getattr(found, "_tenancy_declared", None) is not None:
                app_label = naming.app_label(schema, app_label)
        return get_by_natural_key(self, app_label, model)

    ContentType.natural_key, ContentTypeManager.get_by_natural_key = declared_natural_key, tenant_get_by_natural_key
    try:
        yield
    finally:
        ContentType.natural_key, ContentTypeManager.get_by_natural_key = natural_key, get_by_natural_key


def forget_loaddata_commands() -> None:
    """Django's loaddata caches find_fixtures() per command instance, which keeps each instance, and
    the tenant classes it loaded, alive for good: let them go with their tenant."""
    from django.core.management.commands.loaddata import Command as LoadData

    cache_clear = getattr(LoadData.find_fixtures, "cache_clear", None)
    if cache_clear is not None:
        cache_clear()
