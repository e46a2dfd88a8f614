"""Authentication for tenants, both ways projects do it.

* **Global users who belong to tenants**: ``auth.User`` (or your ``AUTH_USER_MODEL``) logs in as
  usual; the tenant model says who belongs with ``has_member(user)``, and
  :class:`~tenancy.contrib.auth.middleware.TenantAuthMiddleware` (``TENANCY_REQUIRE_MEMBERSHIP``)
  or :mod:`tenancy.contrib.auth.access` answers 403 to the others.
* **Per-tenant users**: a tenant model subclassing
  :class:`~tenancy.contrib.auth.models.AbstractTenantUser` (``TENANCY_USER_MODEL``), and
  :class:`~tenancy.contrib.auth.backends.TenantBackend`, which authenticates against the
  request's tenant's users.

Either way, a session is bound to the tenant it was made at: presented at another tenant, it
authenticates nobody there (and is left intact for its own tenant).
"""
