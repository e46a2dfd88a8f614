"""``listtenants``: the tenants of a database, as a table, JSON or CSV."""

from __future__ import annotations

import csv
import json

from django.core.management.base import BaseCommand

from tenancy.management.arguments import add_database
from tenancy.utils import find_tenants

from .createtenant import tenant_fields


class Command(BaseCommand):
    help = "Lists the tenants: primary key, schema name and the tenant model's fields."

    def add_arguments(self, parser):
        parser.add_argument(
            "--format", choices=("table", "json", "csv"), default="table", help="The output format (default: table)."
        )
        add_database(parser, "whose tenants to list")

    def handle(self, *args, **options):
        fields = tenant_fields()  # a foreign key shows the key of its row, read without a query
        names = [field.name for field in fields]
        rows = [
            {"pk": tenant.pk, "schema": tenant.db_schema, **{f.name: getattr(tenant, f.attname) for f in fields}}
            for tenant in find_tenants(options["database"])
        ]
        columns = ["pk", "schema", *names]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, default=str, indent=2))
        elif options["format"] == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        else:
            self.write_table(columns, rows)

    def write_table(self, columns, rows) -> None:
        cells = [[str(row[c]) for c in columns] for row in rows]
        widths = [max([len(c), *(len(line[i]) for line in cells)]) for i, c in enumerate(columns)]
        self.stdout.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
        for line in cells:
            self.stdout.write("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())
        self.stdout.write(f"({len(rows)} tenant{'s' if len(rows) != 1 else ''})")
