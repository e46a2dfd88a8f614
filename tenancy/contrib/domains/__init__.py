"""Tenants' own domains: a tenant answers on every host stored for it, one of them primary.

Add ``"tenancy.contrib.domains"`` to ``INSTALLED_APPS`` and set ``TENANCY_ROUTING = "domain"``.
"""
