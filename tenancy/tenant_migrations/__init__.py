"""Migrations of tenant models: written by ``makemigrations``, applied to every tenant by ``migrate``.

Tenant models live in the migration state of their declared app (``shop.Order``) like any model,
marked with :data:`~tenancy.tenant_migrations.state.TENANT_FEATURE` in ``required_db_features``.
No database connection has that feature, so Django's own migrate skips their operations: the
global pass creates no table for them. Each tenant is then migrated on its own, in a transaction
of its own, with the historical models bound to its schema (or table prefix):

- :mod:`.state`: the tenant models' migration state, and its rendering for one tenant;
- :mod:`.classify`: which migrations and operations run per tenant;
- :mod:`.editor`: the schema editor of a tenant migration;
- :mod:`.recorder`: which migrations each tenant has, in one table of the tenants' database;
- :mod:`.executor`: planning, and running plans for many tenants;
- :mod:`.progress`: what a migration over many tenants shows while it runs.
"""
