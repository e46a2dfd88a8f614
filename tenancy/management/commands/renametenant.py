"""``renametenant``: give a tenant a new natural key, moving its schema (see :mod:`tenancy.rename`)."""

from __future__ import annotations

from django.core import exceptions
from django.core.management.base import BaseCommand, CommandError

from tenancy.management.arguments import add_database, add_tenant_fields, messages, tenant_field_values
from tenancy.rename import rename_tenant
from tenancy.utils import find_tenants


class Command(BaseCommand):
    help = "Renames a tenant: new field values (its natural key), its schema or tables moved, every row kept."

    def add_arguments(self, parser):
        parser.add_argument("key", metavar="KEY", help="The tenant's natural key or schema name.")
        add_tenant_fields(parser, "The tenant's new")
        add_database(parser, "the tenant is stored in")

    def handle(self, *args, **options):
        (tenant,) = find_tenants(options["database"], [options["key"]])
        fields = tenant_field_values(options)
        if not fields:
            raise CommandError("Give the tenant's new fields, such as its natural key (--name NEW).")
        old_schema = tenant.db_schema
        try:
            tenant = rename_tenant(tenant, **fields)
        except exceptions.ValidationError as error:
            raise CommandError(f"The tenant was not renamed: {messages(error)}") from None
        self.stdout.write(f"Renamed tenant {tenant}: schema {old_schema} is now {tenant.db_schema}.")
