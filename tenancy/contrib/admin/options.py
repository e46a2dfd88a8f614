"""``TenantModelAdmin``: a ModelAdmin written for a declared tenant model, used with each tenant's class.

Registered for ``Order``, the admin answers every request with a copy of itself bound to the
class of the tenant being administered (:meth:`TenantModelAdmin.bound_to`), kept on that class
and collected with it. The bound copy is a plain ModelAdmin of ``Order.for_tenant(acme)``:
filters, search, actions, inlines (written with the declared model, ``model = OrderLine``) and
forms work on acme's rows, and relations offer acme's rows only.

Two things differ from a ModelAdmin of a global model:

* Names and URLs use the declared app label (``shop``, so ``admin:shop_order_changelist``),
  while permissions are the tenant's own (``tenant_acme:shop.change_order``, which a tenant's
  own users also hold as ``shop.change_order``).
* The history is kept in :class:`~tenancy.contrib.admin.models.TenantLogEntry`, which records
  the tenant; Django's LogEntry would not.
"""

from __future__ import annotations

import copy
import json

from django.apps import apps as global_apps
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, CHANGE, DELETION
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db.models.options import Options
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from tenancy.contrib.auth.access import user_tenant

from . import links
from .widgets import TENANT_WIDGETS


class TenantPermissionsMixin:
    """What the admin of a tenant's class (or an inline of one) shares: the declared model's
    labels for names and URLs, the tenant's permissions."""

    def _bind_options(self) -> None:
        self.tenant = self.model._tenancy_tenant
        self.declared_model = self.model._tenancy_declared
        self.opts = declared_options(self.model)

    def _may_administer(self, request) -> bool:
        current = self.admin_site.admin_tenant(request)
        return current is not None and (current.pk, current._state.db) == (self.tenant.pk, self.tenant._state.db)

    def _has_tenant_perm(self, request, action: str) -> bool:
        opts = self.model._meta  # the tenant's app label: tenant_acme:shop.change_order
        return self._may_administer(request) and request.user.has_perm(
            f"{opts.app_label}.{get_permission_codename(action, opts)}"
        )

    # An inline of an M2M's own table (opts.auto_created) keeps Django's rule: the permissions of
    # the model it links to.

    def has_view_permission(self, request, obj=None):
        if self.opts.auto_created:
            return super().has_view_permission(request, obj)
        return self._has_tenant_perm(request, "view") or self._has_tenant_perm(request, "change")

    def has_add_permission(self, request, *args):
        if self.opts.auto_created:
            return super().has_add_permission(request, *args)
        return self._has_tenant_perm(request, "add")

    def has_change_permission(self, request, obj=None):
        if self.opts.auto_created:
            return super().has_change_permission(request, obj)
        return self._has_tenant_perm(request, "change")

    def has_delete_permission(self, request, obj=None):
        if self.opts.auto_created:
            return super().has_delete_permission(request, obj)
        return self._has_tenant_perm(request, "delete")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            replacement = TENANT_WIDGETS.get(type(formfield.widget))
            if replacement is not None:
                formfield.widget.__class__ = replacement
        return formfield


class TenantModelAdmin(TenantPermissionsMixin, admin.ModelAdmin):
    """The ModelAdmin of a declared tenant model: ``admin.site.register(Order, OrderAdmin)``."""

    object_history_template = "tenancy/admin/object_history.html"

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # The registered admin, of the declared model, hands each request to a bound copy.
        self.dispatching = model._tenancy_declared is model
        if self.dispatching:
            self.tenant = None
            self.declared_model = model
        else:
            self._bind_options()

    def check(self, **kwargs):
        if not self.dispatching:
            return super().check(**kwargs)
        # Django's checks, on the classes of no tenant that tenancy's migrations are made of.
        classes = _neutral_classes()
        probe = copy.copy(self)
        probe.model = classes[self.declared_model]
        probe.opts = probe.model._meta
        probe.dispatching = False
        probe.inlines = [bound_inline(inline, classes.__getitem__) for inline in self.inlines]
        return super(TenantModelAdmin, probe).check(**kwargs)

    # --- From the registered admin to the tenant's -----------------------------------------------

    def bound_to(self, model) -> TenantModelAdmin:
        """This admin for ``model``, a tenant's class of the declared model."""
        cache = _admins_of(model)
        bound = cache.get(self)
        if bound is None:
            bound = cache[self] = type(self)(model, self.admin_site)
        return bound

    def for_request(self, request) -> TenantModelAdmin | None:
        """The bound admin for the tenant ``request`` administers (None: none may be)."""
        if not self.dispatching:
            return self if self._may_administer(request) else None
        tenant = self.admin_site.admin_tenant(request)
        return None if tenant is None else self.bound_to(self.declared_model.for_tenant(tenant))

    def get_urls(self):
        if not self.dispatching:
            return super().get_urls()
        # Django's URLs, names and order, each view handed to the bound admin of the request's tenant.
        urls = super().get_urls()
        for pattern in urls:
            view = getattr(pattern.callback, "__wrapped__", None)
            if getattr(pattern.callback, "model_admin", None) is self and getattr(view, "__self__", None) is self:
                pattern.callback = self.admin_site.admin_view(self._dispatcher(view.__name__))
        return urls

    def _dispatcher(self, name: str):
        def view(request, *args, **kwargs):
            bound = self.for_request(request)
            if bound is None:
                if self.admin_site.can_choose_tenant(request):
                    messages.info(request, _("Choose a tenant to administer first."))
                    index = reverse(f"{self.admin_site.name}:index", current_app=self.admin_site.name)
                    return HttpResponseRedirect(index)
                raise PermissionDenied
            return getattr(bound, name)(request, *args, **kwargs)

        view.__name__ = name
        view.model_admin = self
        return view

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        paginator = self.get_paginator(request, self.history_entries(obj.pk), 100)
        page = paginator.get_page(request.GET.get(PAGE_VAR, 1))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change history: %s") % obj,
            "subtitle": None,
            "action_list": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "page_var": PAGE_VAR,
            "pagination_required": paginator.count > 100,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": obj,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            "tenant": self.tenant,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    # The registered admin answers the admin's index and menus with the bound admin's permissions.

    def _bound_answer(self, name: str, request, *args) -> bool:
        bound = self.for_request(request)
        return bound is not None and getattr(bound, name)(request, *args)

    def has_module_permission(self, request):
        if self.dispatching:
            return self._bound_answer("has_module_permission", request)
        return self._may_administer(request) and request.user.has_module_perms(self.model._meta.app_label)

    def has_view_permission(self, request, obj=None):
        if self.dispatching:
            return self._bound_answer("has_view_permission", request, obj)
        return super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        if self.dispatching:
            return self._bound_answer("has_add_permission", request)
        return super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if self.dispatching:
            return self._bound_answer("has_change_permission", request, obj)
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self.dispatching:
            return self._bound_answer("has_delete_permission", request, obj)
        return super().has_delete_permission(request, obj)

    # --- The bound admin -----------------------------------------------------------------------

    def get_changelist(self, request, **kwargs):
        return TenantChangeList

    def get_inlines(self, request, obj):
        tenant = self.tenant
        return [
            bound_inline(inline, lambda declared: declared.for_tenant(tenant))
            for inline in super().get_inlines(request, obj)
        ]

    # Django links read-only relations and the objects a deletion takes by their models' own app
    # labels: a tenant's objects are linked by the declared ones instead (see links.py).

    def render_change_form(self, request, context, *args, **kwargs):
        for part in (context.get("adminform"), *context.get("inline_admin_formsets", ())):
            links.relink(part, request)
        return super().render_change_form(request, context, *args, **kwargs)

    def get_deleted_objects(self, objs, request):
        return links.get_deleted_objects(objs, request, self.admin_site)

    def get_actions(self, request):
        actions = super().get_actions(request)
        func, *rest = actions.get("delete_selected", (None,))
        if func is links.django_delete_selected:
            actions["delete_selected"] = (links.delete_selected, *rest)
        return actions

    def response_add(self, request, obj, post_url_continue=None):
        # Django links to the new object by obj._meta's names: for this once, the declared ones.
        obj._meta = self.opts
        try:
            return super().response_add(request, obj, post_url_continue)
        finally:
            del obj._meta

    def log_addition(self, request, obj, message):
        return self._log(request, [obj], ADDITION, message)

    def log_change(self, request, obj, message):
        return self._log(request, [obj], CHANGE, message)

    def log_deletions(self, request, queryset):
        return self._log(request, queryset, DELETION, "")

    def _log(self, request, objects, flag: int, message) -> list:
        from .models import TenantLogEntry

        user = request.user
        own_user = user_tenant(user) is not None
        if isinstance(message, list):
            message = json.dumps(message)
        entries = [
            TenantLogEntry(
                tenant_id=self.tenant.pk,
                user=None if own_user else user,
                tenant_user_id=str(user.pk) if own_user else "",
                user_repr=user.get_username()[:200],
                model=self.declared_model._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                action_flag=flag,
                change_message=message,
            )
            for obj in objects
        ]
        return TenantLogEntry.objects.using(self.tenant._state.db).bulk_create(entries)

    def history_entries(self, object_id):
        """The TenantLogEntry rows of one object of this tenant, oldest first."""
        from .models import TenantLogEntry

        return (
            TenantLogEntry.objects.using(self.tenant._state.db)
            .filter(tenant_id=self.tenant.pk, model=self.declared_model._meta.label_lower, object_id=str(object_id))
            .order_by("action_time", "pk")
        )


class TenantChangeList(ChangeList):
    """The change list of a tenant's class: its links use the declared model's names."""

    def __init__(self, request, model, *args, **kwargs):
        super().__init__(request, model, *args, **kwargs)
        self.opts = self.model_admin.opts


def declared_options(model):
    """A copy of a tenant class's ``_meta`` carrying the declared model's app label, for the admin's
    names, URLs and templates (``admin:shop_order_change``, ``admin/shop/order/change_form.html``)."""
    opts = copy.copy(model._meta)
    opts.__class__ = _DeclaredOptions
    opts.app_label = model._tenancy_declared._meta.app_label
    return opts


class _DeclaredOptions(Options):
    @property
    def app_config(self):
        return global_apps.get_app_config(self.app_label)


def bound_inline(inline_class, class_of):
    """``inline_class``, written with a declared tenant model, for the class of it that
    ``class_of(declared)`` gives (kept on that class); an inline of a global model as it is."""
    declared = getattr(inline_class.model, "_tenancy_declared", None)
    if declared is None:
        return inline_class
    model = class_of(declared)
    cache = _admins_of(model)
    bound = cache.get(inline_class)
    if bound is None:
        attrs = {"model": model, "__module__": inline_class.__module__}
        bound = cache[inline_class] = type(inline_class.__name__, (_BoundInline, inline_class), attrs)
    return bound


def _admins_of(model) -> dict:
    """The admins and inlines bound to ``model``, a tenant's class: kept on it, collected with it."""
    cache = model.__dict__.get("_tenancy_admins")
    if cache is None:
        cache = model._tenancy_admins = {}
    return cache


_neutral = None


def _neutral_classes():
    global _neutral
    if _neutral is None:
        from tenancy.factory import neutral_models

        _neutral = neutral_models()
    return _neutral


class _BoundInline(TenantPermissionsMixin):
    def __init__(self, parent_model, admin_site):
        super().__init__(parent_model, admin_site)
        self._bind_options()
