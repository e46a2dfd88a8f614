"""Django REST framework over tenant models: serializers and views declared once, for every tenant.

A serializer or a view cannot be built on a declared tenant model (``Order`` has no table and no
manager). Declare them with the classes below, and each request works on ``request.tenant``'s
classes::

    from rest_framework import viewsets
    from tenancy.contrib.rest_framework import TenantModelSerializer, TenantModelViewSet

    class OrderSerializer(TenantModelSerializer):
        class Meta:
            model = Order                     # the declared tenant model
            fields = ["id", "product", "quantity", "tags"]

    class OrderViewSet(TenantModelViewSet):
        model = Order                         # in place of queryset = ...
        serializer_class = OrderSerializer

    router.register("orders", OrderViewSet, basename="order")

The view reads the tenant's table (``get_queryset()``; narrow ``super().get_queryset()``), another
tenant's primary key in the URL is a 404, and a request for no tenant (the public site) is a 404
too. The serializer is a ``ModelSerializer`` of the tenant's class: its related fields accept the
tenant's rows only, its unique validators query the tenant's table, and ``save()`` writes there.
It finds its tenant in ``tenant=``, else in its parent serializer, else in the context's
``"tenant"`` or ``request.tenant`` (the views put both there), else in the class of ``instance``.
Permissions such as ``DjangoModelPermissions`` check the tenant's own
(``tenant_acme:shop.view_order``, see :doc:`/topics/contenttypes`); :class:`IsTenantMember`
admits the tenant's members only.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from rest_framework import generics, permissions, serializers, viewsets
from rest_framework.exceptions import NotFound

from tenancy.binding import is_declared, tenant_class
from tenancy.contrib.auth.access import is_member
from tenancy.tenants import AbstractTenant


def tenant_of(field: serializers.Field) -> AbstractTenant | None:
    """The tenant a serializer (or one of its fields) works for: its own or its parents' ``tenant=``,
    then the context's ``"tenant"`` or ``request.tenant``, then the class of the root's instance."""
    node = field
    while node is not None:
        tenant = getattr(node, "_tenancy_tenant", None)
        if tenant is not None:
            return tenant
        node = node.parent
    context = field.context
    tenant = context.get("tenant") or getattr(context.get("request"), "tenant", None)
    if tenant is not None:
        return tenant
    return _tenant_of_instance(getattr(field.root, "instance", None))


def _tenant_of_instance(instance) -> AbstractTenant | None:
    """The tenant whose class ``instance`` (an object, a list of them or a queryset) is of, if any."""
    if isinstance(instance, list | tuple):
        instance = instance[0] if instance else None
    model = instance.model if isinstance(instance, QuerySet) else type(instance)
    return getattr(model, "_tenancy_tenant", None)


class TenantSerializerMixin:
    """Makes a ``ModelSerializer`` whose ``Meta.model`` is a declared tenant model work on a tenant's
    class, chosen when its fields are built (see the module's docs)."""

    def __init__(self, *args: Any, tenant: AbstractTenant | None = None, **kwargs: Any):
        self._tenancy_tenant = tenant
        super().__init__(*args, **kwargs)

    @property
    def tenant(self) -> AbstractTenant | None:
        return tenant_of(self)

    def _bind(self) -> None:
        declared = type(self).Meta.model
        if not is_declared(declared) or "Meta" in self.__dict__:
            return
        tenant = self.tenant
        if tenant is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} serializes the tenant model {declared.__name__} and has no tenant: pass "
                "tenant=, or a context with the request of a tenant, or an instance of a tenant's class."
            )
        owner = _tenant_of_instance(self.instance)
        if owner is not None and (owner.pk, owner._state.db) != (tenant.pk, tenant._state.db):
            raise ValueError(f"{type(self).__name__} of {tenant} was given a row of {owner}.")
        model = tenant_class(declared, tenant)
        metas = model.__dict__.get("_tenancy_serializer_metas")
        if metas is None:
            metas = model._tenancy_serializer_metas = {}  # dies with the tenant's class
        meta = metas.get(type(self))
        if meta is None:
            meta = metas[type(self)] = type("Meta", (type(self).Meta,), {"model": model})
        self.Meta = meta

    def get_fields(self):
        self._bind()
        return super().get_fields()

    def get_validators(self):
        self._bind()
        return super().get_validators()


class TenantModelSerializer(TenantSerializerMixin, serializers.ModelSerializer):
    """A ``ModelSerializer`` whose ``Meta.model`` is a declared tenant model."""


class TenantHyperlinkedModelSerializer(TenantSerializerMixin, serializers.HyperlinkedModelSerializer):
    """A ``HyperlinkedModelSerializer`` whose ``Meta.model`` is a declared tenant model."""


class TenantRelatedFieldMixin:
    """A related field declared with a declared tenant model (``model=Product``) in place of a
    queryset: it offers and accepts the rows of its serializer's tenant."""

    def __init__(self, model=None, **kwargs: Any):
        if not is_declared(model):
            raise TypeError(f"{type(self).__name__} takes model=, a declared tenant model; not {model!r}.")
        self.declared_model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        tenant = tenant_of(self)
        if tenant is None:
            raise ImproperlyConfigured(f"{type(self).__name__} of {self.declared_model.__name__} has no tenant.")
        return tenant_class(self.declared_model, tenant)._default_manager.all()


class TenantPrimaryKeyRelatedField(TenantRelatedFieldMixin, serializers.PrimaryKeyRelatedField):
    """``PrimaryKeyRelatedField(model=Product)``: a tenant's Product, by primary key."""


class TenantSlugRelatedField(TenantRelatedFieldMixin, serializers.SlugRelatedField):
    """``SlugRelatedField(model=Tag, slug_field="label")``: a tenant's Tag, by a unique field."""


class TenantAPIViewMixin:
    """For DRF's generic views and viewsets: ``model = Order`` (a declared tenant model) in place of
    ``queryset``, read from ``request.tenant``'s class; a request for no tenant is a 404."""

    model = None
    tenant: AbstractTenant

    def initial(self, request, *args: Any, **kwargs: Any) -> None:
        tenant = getattr(request, "tenant", None)
        if tenant is None:
            raise NotFound(f"{type(self).__name__} is an API of a tenant, and this request is for none.")
        self.tenant = tenant
        super().initial(request, *args, **kwargs)

    def get_queryset(self):
        if self.model is None:
            return super().get_queryset()
        return tenant_class(self.model, self.tenant)._default_manager.all()

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "tenant": getattr(self, "tenant", None)}


class TenantGenericAPIView(TenantAPIViewMixin, generics.GenericAPIView):
    pass


class TenantListCreateAPIView(TenantAPIViewMixin, generics.ListCreateAPIView):
    pass


class TenantRetrieveUpdateDestroyAPIView(TenantAPIViewMixin, generics.RetrieveUpdateDestroyAPIView):
    pass


class TenantModelViewSet(TenantAPIViewMixin, viewsets.ModelViewSet):
    pass


class TenantReadOnlyModelViewSet(TenantAPIViewMixin, viewsets.ReadOnlyModelViewSet):
    pass


class TenantGenericViewSet(TenantAPIViewMixin, viewsets.GenericViewSet):
    """To compose with DRF's mixins (``mixins.ListModelMixin``...)."""


class IsTenantMember(permissions.BasePermission):
    """Admits the members of ``request.tenant``: its own users, and global users its
    ``has_member(user)`` accepts (see :doc:`/topics/auth`)."""

    message = "You are not a member of this tenant."

    def has_permission(self, request, view) -> bool:
        tenant = getattr(request, "tenant", None)
        return tenant is not None and is_member(tenant, request.user)


__all__ = [
    "IsTenantMember",
    "TenantAPIViewMixin",
    "TenantGenericAPIView",
    "TenantGenericViewSet",
    "TenantHyperlinkedModelSerializer",
    "TenantListCreateAPIView",
    "TenantModelSerializer",
    "TenantModelViewSet",
    "TenantPrimaryKeyRelatedField",
    "TenantReadOnlyModelViewSet",
    "TenantRelatedFieldMixin",
    "TenantRetrieveUpdateDestroyAPIView",
    "TenantSerializerMixin",
    "TenantSlugRelatedField",
    "tenant_of",
]
