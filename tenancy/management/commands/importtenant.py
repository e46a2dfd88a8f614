"""``importtenant``: create a tenant from an exporttenant file, here or in another database."""

from __future__ import annotations

from django.core import exceptions
from django.core.management.base import BaseCommand, CommandError

from tenancy.management.arguments import add_database, add_tenant_fields, messages, tenant_field_values
from tenancy.transfer import import_tenant


class Command(BaseCommand):
    help = (
        "Creates a tenant from an exporttenant file, with its rows. --<field> options override the file's "
        "fields (give a new natural key to import next to the original)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="The file exporttenant wrote.")
        add_tenant_fields(parser, "Instead of the file's,")
        add_database(parser, "to create the tenant in")

    def handle(self, *args, **options):
        try:
            with open(options["file"], encoding="utf-8") as source:
                tenant = import_tenant(source, using=options["database"], **tenant_field_values(options))
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}.") from None
        except ValueError as error:  # not an export, or a field value of the wrong type
            raise CommandError(str(error)) from None
        except exceptions.ValidationError as error:
            raise CommandError(f"The tenant was not created: {messages(error)}") from None
        self.stdout.write(
            f"Imported tenant {tenant} (schema {tenant.db_schema}) into database {options['database']!r}."
        )
