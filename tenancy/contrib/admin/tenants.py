"""``TenantAdmin``: the ModelAdmin of the tenant model itself (``TENANCY_TENANT_MODEL``).

Register the tenant model with it as any other model::

    from django.contrib import admin
    from tenancy.contrib.admin import TenantAdmin

    @admin.register(Shop)
    class ShopAdmin(TenantAdmin):
        list_display = ["name", "schema"]

What it adds to a plain ModelAdmin:

* A tenant added through the form gets its schema and tables, on every backend. On MySQL and
  MariaDB, whose DDL commits the transaction Django's admin saves in, the tenant is created
  outside it, and the rest of the form (inlines, many-to-many) is saved in a transaction of its
  own afterwards: should that fail, the new tenant is deleted again, tables and all.
* Changing the natural key renames the tenant (:func:`tenancy.rename.rename_tenant`): its schema
  or tables move with it, every row kept. A plain ModelForm reports such a change as an error
  instead, since saving never moves a schema.
* The delete confirmation says that the tenant's schema (or prefixed tables) goes too, and counts
  the rows of each tenant model that go with it.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.options import csrf_protect_m
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.utils.translation import gettext as _

from tenancy import naming
from tenancy.rename import now_in_schema, rename_tenant

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class TenantAdminForm(forms.ModelForm):
    """A ModelForm of the tenant model that allows a new natural key: the admin renames the tenant."""

    def validate_unique(self) -> None:
        try:
            self.instance.validate_unique(exclude=self._get_validation_exclusions(), rename=True)
        except ValidationError as error:
            self._update_errors(error)


class TenantAdmin(admin.ModelAdmin):
    form = TenantAdminForm
    list_display = ["__str__", "schema"]

    @admin.display(description=_("schema or table prefix"))
    def schema(self, tenant) -> str:
        return tenant.db_schema

    def _database(self) -> str:
        return router.db_for_write(self.model)

    def _transactional_ddl(self) -> bool:
        return connections[self._database()].features.can_rollback_ddl

    @csrf_protect_m
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method in SAFE_METHODS or self._transactional_ddl():
            return super().changeform_view(request, object_id, form_url, extra_context)
        # MySQL, MariaDB: no transaction around the view, which CREATE TABLE would commit;
        # save_model() and save_related() keep the form's changes all or nothing.
        return self._changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        request._tenancy_undo = None
        if not change:
            obj.save()
            request._tenancy_undo = obj.delete
            return
        if obj._stored_schema() not in (None, obj.db_schema):
            self._rename(request, obj, form)
        if self._transactional_ddl():
            obj.save()
        # else (MySQL, MariaDB): saved by save_related(), in one transaction with the inlines

    def _rename(self, request, obj, form) -> None:
        """Rename the stored tenant to ``obj``'s new values, and make ``obj`` the renamed tenant."""
        stored = type(obj)._base_manager.using(obj._state.db).get(pk=obj.pk)
        concrete = {field.name for field in obj._meta.concrete_fields}
        names = [name for name in form.changed_data if name in concrete]
        renamed = rename_tenant(stored, **{name: getattr(obj, name) for name in names})
        request._tenancy_undo = lambda: rename_tenant(renamed, **{name: getattr(stored, name) for name in names})
        now_in_schema(obj, renamed.db_schema)

    def save_related(self, request, form, formsets, change) -> None:
        if self._transactional_ddl():
            return super().save_related(request, form, formsets, change)
        undo = getattr(request, "_tenancy_undo", None)
        try:
            with transaction.atomic(using=self._database()):
                if change:  # deferred by save_model()
                    form.instance.save()
                super().save_related(request, form, formsets, change)
        except BaseException:
            if undo is not None:
                undo()
            raise

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if naming.uses_schemas(connections[self._database()]):
            data = _("Schema %(schema)s, with its tables and every row in them")
        else:
            data = _("Tables prefixed %(schema)s, with every row in them")
        for tenant in objs:
            deleted.append(data % {"schema": tenant.db_schema})
            for model in tenant.models:
                if model._meta.proxy or not model._meta.managed:
                    continue
                count = model._base_manager.using(tenant._state.db).count()
                if count:
                    label = model._meta.verbose_name_plural
                    counts[label] = counts.get(label, 0) + count
        return deleted, counts, perms_needed, protected
