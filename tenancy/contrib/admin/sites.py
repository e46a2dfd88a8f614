"""``TenantAdminSite``: Django's admin site, with tenant models registered once for every tenant.

Which tenant a request administers (:meth:`TenantAdminSite.admin_tenant`):

* on a tenant's own host or path (``request.tenant`` set by TenantMiddleware), that tenant;
* elsewhere (the public site), the tenant chosen in the selector of the admin's header, kept in
  the session. Superusers may choose any tenant; other staff users the tenants they belong to
  (``tenant.has_member(user)``).

A user who may not administer that tenant sees none of its models. Global models (the tenants
themselves, users) are administered as in Django.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, Resolver404, path, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from tenancy.conf import settings
from tenancy.contrib.auth.access import is_member, user_tenant
from tenancy.utils import get_tenant_model

from .autocomplete import TenantAutocompleteJsonView

if TYPE_CHECKING:
    from tenancy.tenants import AbstractTenant

SESSION_KEY = "_tenancy_admin_tenant"
_UNSET = object()


class TenantAdminSite(admin.AdminSite):
    """An admin site on which a declared tenant model is registered like any other model::

        admin.site.register(Order, OrderAdmin)    # OrderAdmin: a TenantModelAdmin

    and shows the rows of the tenant being administered (see the module's docstring).
    """

    index_template = "tenancy/admin/index.html"
    #: Beyond this many tenants to choose from, the selector is a field to type a tenant's key in
    #: (its TENANCY_ROUTING_FIELD) rather than a list of them all.
    tenant_choices_limit = 100

    # --- Registration --------------------------------------------------------------------------

    def register(self, model_or_iterable, admin_class=None, **options):
        from .options import TenantModelAdmin

        models = [model_or_iterable] if isinstance(model_or_iterable, type) else list(model_or_iterable)
        declared = [model for model in models if _declared_of(model) is model]
        for model in models:
            if _declared_of(model) not in (None, model):
                raise ImproperlyConfigured(
                    f"{model.__name__} is one tenant's class: register the declared model "
                    f"{_declared_of(model).__name__} instead."
                )
        if declared and admin_class is not None and not issubclass(admin_class, TenantModelAdmin):
            raise ImproperlyConfigured(
                f"{admin_class.__name__} registers the tenant model {declared[0].__name__}: make it a "
                "subclass of tenancy.contrib.admin.TenantModelAdmin."
            )
        for model in declared:
            # Django refuses abstract models, which declared tenant models are to it.
            if model in self._registry:
                raise admin.sites.AlreadyRegistered(f"The model {model.__name__} is already registered.")
            cls = admin_class or TenantModelAdmin
            if options:
                cls = type(f"{model.__name__}Admin", (cls,), {**options, "__module__": __name__})
            self._registry[model] = cls(model, self)
        others = [model for model in models if model not in declared]
        if others:
            super().register(others, admin_class, **options)

    def get_model_admin(self, model):
        declared = _declared_of(model)
        if declared is None or declared is model:
            return super().get_model_admin(model)
        try:
            return self._registry[declared].bound_to(model)
        except KeyError:
            raise NotRegistered(f"The model {declared.__name__} is not registered.") from None

    def is_registered(self, model) -> bool:
        return (_declared_of(model) or model) in self._registry

    # --- The tenant being administered ---------------------------------------------------------

    def admin_tenant(self, request: HttpRequest) -> AbstractTenant | None:
        """The tenant ``request`` administers, if its user may administer it (else None)."""
        tenant = getattr(request, "_tenancy_admin_tenant", _UNSET)
        if tenant is _UNSET:
            tenant = getattr(request, "tenant", None)
            if tenant is None:
                tenant = self._chosen_tenant(request)
            if tenant is not None and not self.has_tenant_permission(request, tenant):
                tenant = None
            request._tenancy_admin_tenant = tenant
        return tenant

    def has_tenant_permission(self, request: HttpRequest, tenant: AbstractTenant) -> bool:
        """Whether the user of ``request`` may administer ``tenant``: an active staff user who is
        one of its own users, a global superuser, or a global user it counts as a member."""
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if user.is_superuser and user_tenant(user) is None:
            return True
        try:
            return is_member(tenant, user)
        except ImproperlyConfigured:  # no has_member(): only superusers administer tenants
            return False

    def can_choose_tenant(self, request: HttpRequest) -> bool:
        """Whether the header shows the tenant selector: on the public site, to global staff users."""
        return (
            getattr(request, "tenant", None) is None
            and request.user.is_active
            and request.user.is_staff
            and user_tenant(request.user) is None
        )

    def get_tenant_choices(self, request: HttpRequest):
        """The tenants the selector offers (a queryset or a list): every tenant to a superuser, the
        tenants a staff user may administer to others. The latter asks every tenant's
        ``has_member()``: override it with a queryset filtered in SQL when tenants are many."""
        if not self.can_choose_tenant(request):
            return []
        tenants = get_tenant_model()._default_manager.order_by("pk")
        if request.user.is_superuser:
            return tenants
        return [tenant for tenant in tenants if self.has_tenant_permission(request, tenant)]

    def _chosen_tenant(self, request: HttpRequest):
        if not self.can_choose_tenant(request) or not hasattr(request, "session"):
            return None
        chosen = request.session.get(SESSION_KEY)
        if not chosen:
            return None
        return get_tenant_model()._default_manager.filter(pk=chosen).first()

    def choose_tenant(self, request: HttpRequest, tenant: AbstractTenant | None) -> None:
        """Make ``tenant`` the one ``request``'s session administers (None: none)."""
        if tenant is None:
            request.session.pop(SESSION_KEY, None)
        else:
            if not self.can_choose_tenant(request) or not self.has_tenant_permission(request, tenant):
                raise PermissionDenied(f"{request.user} may not administer {tenant}.")
            request.session[SESSION_KEY] = tenant.pk
        request._tenancy_admin_tenant = tenant

    # --- Views ---------------------------------------------------------------------------------

    def get_urls(self):
        return [
            path("tenancy/tenant/", self.admin_view(self.choose_tenant_view), name="tenancy_admin_choose_tenant"),
            path(
                "tenancy/log/<int:entry_id>/",
                self.admin_view(self.log_entry_view),
                name="tenancy_admin_log_entry",
            ),
            *super().get_urls(),
        ]

    def choose_tenant_view(self, request: HttpRequest):
        """POST ``tenant`` (a primary key, or empty for none): the selector of the header."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        tenants = get_tenant_model()._default_manager
        chosen, key = request.POST.get("tenant", ""), request.POST.get("key", "").strip()
        tenant = None
        if chosen or key:
            if key:
                tenant = tenants.filter(**{settings.TENANCY_ROUTING_FIELD: key}).first()
            elif chosen.isdigit():
                tenant = tenants.filter(pk=chosen).first()
            if tenant is None:
                raise Http404("No such tenant.")
        self.choose_tenant(request, tenant)
        return HttpResponseRedirect(_next_page(self, request))

    def log_entry_view(self, request: HttpRequest, entry_id: int):
        """Where a TenantLogEntry's link leads: its tenant becomes the one administered, then its
        object is shown."""
        from .models import TenantLogEntry

        entry = get_object_or_404(TenantLogEntry, pk=entry_id)
        current = getattr(request, "tenant", None)
        if current is not None:
            if current.pk != entry.tenant_id:
                raise Http404("This entry is another tenant's.")
        else:
            self.choose_tenant(request, entry.tenant)
        app_label, model_name = entry.model.split(".")
        try:
            url = reverse(f"{self.name}:{app_label}_{model_name}_change", args=[entry.object_id], current_app=self.name)
        except NoReverseMatch:
            raise Http404("That model is not administered here.") from None
        return HttpResponseRedirect(url)

    def autocomplete_view(self, request):
        return TenantAutocompleteJsonView.as_view(admin_site=self)(request)

    def each_context(self, request):
        context = super().each_context(request)
        allowed = context["has_permission"]  # Django's has_permission(request), computed just above
        tenant = self.admin_tenant(request) if allowed else None
        context["tenancy_admin_tenant"] = tenant
        context["tenancy_admin_tenant_key"] = getattr(tenant, settings.TENANCY_ROUTING_FIELD, "") if tenant else ""
        context["tenancy_can_choose_tenant"] = allowed and self.can_choose_tenant(request)
        if context["tenancy_can_choose_tenant"]:
            choices = list(self.get_tenant_choices(request)[: self.tenant_choices_limit + 1])
            # None: too many to list, the selector takes a key
            context["tenancy_tenant_choices"] = choices if len(choices) <= self.tenant_choices_limit else None
        return context

    def recent_actions(self, request, limit: int = 10) -> list:
        """The user's latest actions: Django's LogEntry rows (global models) and TenantLogEntry
        rows (tenant models, in every tenant they acted in), newest first."""
        from .models import TenantLogEntry

        user = request.user
        owner = user_tenant(user)
        if owner is None:
            entries = list(LogEntry.objects.filter(user=user).select_related("content_type")[:limit])
            entries += TenantLogEntry.objects.filter(user=user).select_related("tenant")[:limit]
        else:
            entries = list(
                TenantLogEntry.objects.filter(tenant_id=owner.pk, tenant_user_id=str(user.pk)).select_related("tenant")[
                    :limit
                ]
            )
        entries.sort(key=lambda entry: entry.action_time, reverse=True)
        entries = entries[:limit]
        for entry in entries:
            tenant_entry = isinstance(entry, TenantLogEntry)
            entry.tenancy_url = entry.get_admin_url(self.name) if tenant_entry else entry.get_admin_url()
        return entries

    def index(self, request, extra_context=None):
        context = {"tenancy_recent_actions": self.recent_actions(request), **(extra_context or {})}
        return super().index(request, context)


def _next_page(site: TenantAdminSite, request: HttpRequest) -> str:
    """Where the selector goes back to: the page it was used on, unless that page shows one
    object (which the other tenant may not have), in which case that model's list."""
    index = reverse(f"{site.name}:index", current_app=site.name)
    target = request.POST.get("next", "")
    if not target or not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return index
    try:
        match = resolve(target.split("?", 1)[0])
    except Resolver404:
        return index
    for suffix in ("_change", "_delete", "_history"):
        if match.url_name and match.url_name.endswith(suffix) and match.namespace == site.name:
            try:
                return reverse(f"{site.name}:{match.url_name[: -len(suffix)]}_changelist", current_app=site.name)
            except NoReverseMatch:
                return index
    return target


def _declared_of(model):
    return getattr(model, "_tenancy_declared", None)
