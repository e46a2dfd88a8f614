"""Links to a tenant's objects where Django builds them from the object's own app label.

Django links a read-only relation (``AdminReadonlyField.get_admin_url()``) and the objects the
delete confirmation lists (``get_deleted_objects()``) by ``admin:<app_label>_<model>_change``,
which a tenant's class (``tenant_acme:shop``) has no URL for: they would show no link. Here
they link by the declared model's names (``admin:shop_product_change``), when the user may view
or change the object. Links to global models are Django's own.
"""

from __future__ import annotations

import functools

from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import NestedObjects, quote
from django.db import router
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst


def tenant_change_url(admin_site, request, model, obj) -> str | None:
    """The admin URL of ``obj`` (of ``model``), by the declared model's names when ``model`` is a
    tenant's class and the user may view or change ``obj`` ("" if not); None for a global model."""
    declared = getattr(model, "_tenancy_declared", None)
    if declared is None or declared is model:
        return None
    if not admin_site.is_registered(model):
        return ""
    if not admin_site.get_model_admin(model).has_view_or_change_permission(request, obj):
        return ""
    name = f"{admin_site.name}:{declared._meta.app_label}_{model._meta.model_name}_change"
    try:
        return reverse(name, args=[quote(obj.pk)], current_app=admin_site.name)
    except NoReverseMatch:
        return ""


# --- Read-only relations -------------------------------------------------------------------------


class TenantReadonlyField(helpers.AdminReadonlyField):
    def get_admin_url(self, remote_field, remote_obj):
        url = tenant_change_url(self.model_admin.admin_site, self._tenancy_request, remote_field.model, remote_obj)
        if url is None:
            return super().get_admin_url(remote_field, remote_obj)
        return format_html('<a href="{}">{}</a>', url, remote_obj) if url else str(remote_obj)


class _Relinked:
    """A part of the change form (form, fieldset, line, inline) whose own parts are relinked as
    the template iterates over them, down to the read-only fields."""

    def __iter__(self):
        for part in super().__iter__():
            yield relink(part, self._tenancy_request)


_RELINKED = {
    cls: type(cls.__name__, (_Relinked, cls), {"__module__": __name__})
    for cls in (
        helpers.AdminForm,
        helpers.Fieldset,
        helpers.Fieldline,
        helpers.InlineAdminFormSet,
        helpers.InlineAdminForm,
        helpers.InlineFieldset,
    )
}
_RELINKED[helpers.AdminReadonlyField] = TenantReadonlyField


def relink(part, request):
    """``part`` of a change form's context (``adminform``, an inline formset), made to link its
    read-only relations to a tenant's objects. Subclasses of Django's helpers are left as they are."""
    cls = _RELINKED.get(type(part))
    if cls is not None:
        part.__class__ = cls
        part._tenancy_request = request
    return part


# --- The delete confirmation ---------------------------------------------------------------------


def get_deleted_objects(objs, request, admin_site):
    """Django's ``get_deleted_objects()``, a tenant's objects linked by the declared names."""
    try:
        first = objs[0]
    except IndexError:
        return [], {}, set(), []
    collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
    collector.collect(objs)
    perms_needed = set()

    def format_callback(obj):
        model, opts = type(obj), obj._meta
        if not admin_site.is_registered(model):
            return f"{capfirst(opts.verbose_name)}: {obj}"
        if not admin_site.get_model_admin(model).has_delete_permission(request, obj):
            perms_needed.add(opts.verbose_name)
        url = tenant_change_url(admin_site, request, model, obj)
        if url is None:  # a global model: Django's link
            try:
                url = reverse(f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
            except NoReverseMatch:
                url = ""
        if not url:
            return f"{capfirst(opts.verbose_name)}: {obj}"
        return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

    to_delete = collector.nested(format_callback)
    protected = [format_callback(obj) for obj in collector.protected]
    model_count = {model._meta.verbose_name_plural: len(objs) for model, objs in collector.model_objs.items()}
    return to_delete, model_count, perms_needed, protected


@functools.wraps(django_delete_selected)
def delete_selected(modeladmin, request, queryset):
    """Django's "delete selected" action, whose confirmation page names the model by the declared
    label (its breadcrumbs, its templates) as the admin's other pages do."""
    response = django_delete_selected(modeladmin, request, queryset)
    if isinstance(response, TemplateResponse):
        tenant_label, declared_label = modeladmin.model._meta.app_label, modeladmin.opts.app_label
        response.context_data["opts"] = modeladmin.opts
        if isinstance(response.template_name, list):
            response.template_name = [
                name.replace(f"admin/{tenant_label}/", f"admin/{declared_label}/") for name in response.template_name
            ]
    return response
