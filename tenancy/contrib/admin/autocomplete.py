"""The admin's autocomplete endpoint, for relations between a tenant's classes.

A tenant class's autocomplete widget names its model by the tenant's app label
(``tenant_acme:shop``), which Django's view looks for among the installed apps. This one finds it
among the classes of the tenant being administered, and only there.
"""

from __future__ import annotations

from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import Http404

from tenancy.registry import models_of


class TenantAutocompleteJsonView(AutocompleteJsonView):
    def process_request(self, request):
        app_label = request.GET.get("app_label", "")
        if ":" not in app_label:
            return super().process_request(request)
        tenant = self.admin_site.admin_tenant(request)
        if tenant is None:
            raise PermissionDenied
        source_model = models_of(tenant).get(f"{app_label}.{request.GET.get('model_name', '')}")
        if source_model is None or source_model._meta.app_label != app_label:
            raise PermissionDenied  # another tenant's label, or no such model
        try:
            source_field = source_model._meta.get_field(request.GET.get("field_name", ""))
            remote_model = source_field.remote_field.model
            model_admin = self.admin_site.get_model_admin(remote_model)
        except (FieldDoesNotExist, AttributeError, NotRegistered) as error:
            raise PermissionDenied from error
        if not model_admin.get_search_fields(request):
            raise Http404(f"{type(model_admin).__qualname__} must have search_fields for the autocomplete_view.")
        to_field_name = getattr(source_field.remote_field, "field_name", remote_model._meta.pk.attname)
        to_field_name = remote_model._meta.get_field(to_field_name).attname
        if not model_admin.to_field_allowed(request, to_field_name):
            raise PermissionDenied
        return request.GET.get("term", ""), model_admin, source_field, to_field_name
