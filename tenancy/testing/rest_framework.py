"""A Django REST framework test client addressed to one tenant (needs djangorestframework)."""

from __future__ import annotations

from rest_framework.test import APIClient

from .client import TenantClientMixin


class TenantAPIClient(TenantClientMixin, APIClient):
    """REST framework's ``APIClient`` whose requests go to ``tenant``, as
    :class:`~tenancy.testing.TenantClient` does: ``TenantAPIClient(acme).post("/orders/", data,
    format="json")``; ``force_authenticate()`` and ``credentials()`` work as usual."""
