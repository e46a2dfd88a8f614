"""``clonetenant``: a new tenant with a copy of another's rows."""

from __future__ import annotations

from django.core import exceptions
from django.core.management.base import BaseCommand, CommandError

from tenancy.management.arguments import add_database, add_tenant_fields, messages, tenant_field_values
from tenancy.transfer import clone_tenant
from tenancy.utils import find_tenants


class Command(BaseCommand):
    help = "Creates a tenant with a copy of another tenant's rows; --<field> options give the new tenant's fields."

    def add_arguments(self, parser):
        parser.add_argument("key", metavar="KEY", help="The natural key or schema name of the tenant to copy.")
        add_tenant_fields(parser, "The new tenant's")
        add_database(parser, "the tenants are stored in")

    def handle(self, *args, **options):
        (source,) = find_tenants(options["database"], [options["key"]])
        fields = tenant_field_values(options)
        if not fields:
            raise CommandError("Give the new tenant's fields, such as its natural key (--name NEW).")
        try:
            clone = clone_tenant(source, **fields)
        except exceptions.ValidationError as error:
            raise CommandError(f"The tenant was not created: {messages(error)}") from None
        self.stdout.write(f"Cloned tenant {source} into {clone} (schema {clone.db_schema}).")
