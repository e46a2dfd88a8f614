"""``exporttenant``: write a tenant and all its rows to a JSON file (see :mod:`tenancy.transfer`)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tenancy.management.arguments import add_database
from tenancy.transfer import export_tenant
from tenancy.utils import find_tenants


class Command(BaseCommand):
    help = "Exports a tenant (its fields and every row of its tables) to a JSON file, for importtenant."

    def add_arguments(self, parser):
        parser.add_argument("key", metavar="KEY", help="The tenant's natural key or schema name.")
        parser.add_argument("-o", "--output", metavar="FILE", help="The file to write (default: standard output).")
        add_database(parser, "the tenant is stored in")

    def handle(self, *args, **options):
        (tenant,) = find_tenants(options["database"], [options["key"]])
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                count = export_tenant(tenant, out)
            self.stderr.write(f"Exported tenant {tenant}: {count} rows, to {options['output']}.")
        else:
            export_tenant(tenant, self.stdout._out)
