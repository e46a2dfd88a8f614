"""Django's generic views over tenant models: ``model = Order`` means ``request.tenant``'s Order.

Put :class:`TenantModelMixin` before the generic view, or use the ready-made classes::

    from tenancy.views import TenantCreateView, TenantListView

    class OrderList(TenantListView):
        model = Order                    # the declared tenant model
        paginate_by = 20

    class OrderCreate(TenantCreateView):
        model = Order
        fields = ["product", "quantity"]  # or form_class = OrderForm (a TenantModelForm)
        success_url = reverse_lazy("order-list")

For each request the view works on the tenant's class: ``get_queryset()`` reads the tenant's
table, the form is a model form of the tenant's class (its choices are the tenant's rows), and
another tenant's primary key in the URL is a 404. Template names and the context's names are
those of the declared model (``shop/order_list.html``, ``order_list``), the same for every
tenant. A request without a tenant (the public site) gets a 404.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.views.generic import CreateView, DeleteView, DetailView, ListView, UpdateView

from .binding import tenant_class


class TenantModelMixin:
    """Resolves ``model`` and ``form_class`` of a generic view for ``request.tenant``: Django's own
    ``get_queryset()`` then reads the tenant's class (filter ``super().get_queryset()`` to narrow it:
    a ``queryset`` attribute cannot be written on a declared tenant model, which has no manager)."""

    def dispatch(self, request, *args, **kwargs):
        tenant = getattr(request, "tenant", None)
        if tenant is None:
            raise Http404(f"{type(self).__name__} serves the pages of a tenant, and this request is for none.")
        self.tenant = tenant
        self.declared_model = type(self).model
        if self.declared_model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a model: the declared tenant model it shows.")
        self.model = tenant_class(self.declared_model, tenant)
        form_class = getattr(type(self), "form_class", None)
        if form_class is not None and hasattr(form_class, "for_tenant"):
            self.form_class = form_class.for_tenant(tenant)
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        """Django's names, from the declared model: ``shop/order_list.html`` for every tenant."""
        if self.template_name is not None:
            return [self.template_name]
        opts = self.declared_model._meta
        return [f"{opts.app_label}/{opts.model_name}{self.template_name_suffix}.html"]


class TenantListView(TenantModelMixin, ListView):
    pass


class TenantDetailView(TenantModelMixin, DetailView):
    pass


class TenantCreateView(TenantModelMixin, CreateView):
    pass


class TenantUpdateView(TenantModelMixin, UpdateView):
    pass


class TenantDeleteView(TenantModelMixin, DeleteView):
    pass
