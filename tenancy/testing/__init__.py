"""Helpers for testing a project built on tenancy.

* :class:`TenantClient`/:class:`AsyncTenantClient`: Django's test clients, addressed to a tenant
  the way the routing settings say (host, path prefix or header); :class:`TenantAPIClient`,
  Django REST framework's ``APIClient`` so addressed;
* :class:`TenantTestCase`: a ``TestCase`` with a tenant made once per class and rolled back;
  :class:`TenantTransactionTestCase` for backends that cannot roll DDL back;
* :mod:`tenancy.testing.factories`: factory-boy factories of tenants and of tenant models;
* :mod:`tenancy.testing.pytest_plugin`: pytest fixtures (loaded automatically with pytest-django).

The names are imported on first use: pytest loads the plugin of this package before Django is set up.
"""

from importlib import import_module

_EXPORTS = {
    "AsyncTenantClient": "client",
    "TenantClient": "client",
    "TenantAPIClient": "rest_framework",
    "tenant_request_defaults": "client",
    "TenantTestCase": "cases",
    "TenantTransactionTestCase": "cases",
    "make_tenant": "cases",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
