"""``deletetenant``: delete tenants, with their schemas and every row in them, after asking."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tenancy.management.arguments import add_database, add_noinput
from tenancy.utils import find_tenants


class Command(BaseCommand):
    help = "Deletes tenants: their rows, schemas and tables, with all their data. Asks for confirmation."

    def add_arguments(self, parser):
        parser.add_argument("keys", nargs="+", metavar="KEY", help="A tenant's natural key or schema name.")
        add_noinput(parser, "Do not ask for confirmation.")
        add_database(parser, "the tenants are stored in")

    def handle(self, *args, **options):
        tenants = find_tenants(options["database"], options["keys"])
        if options["interactive"]:
            self.stdout.write("This deletes, with all their data, which cannot be undone:")
            for tenant in tenants:
                self.stdout.write(f"  {tenant} (schema {tenant.db_schema})")
            if input("Type 'yes' to continue, or anything else to cancel: ").strip() != "yes":
                raise CommandError("Deletion cancelled; nothing was deleted.")
        for tenant in tenants:
            tenant.delete()
            self.stdout.write(f"Deleted tenant {tenant} (schema {tenant.db_schema}).")
