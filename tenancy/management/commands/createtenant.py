"""``createtenant``: create a tenant (its row, schema and tables), asking for its fields or taking them as options."""

from __future__ import annotations

from django.core import exceptions
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import capfirst

from tenancy.management.arguments import (
    add_database,
    add_noinput,
    add_tenant_fields,
    describe,
    messages,
    required,
    tenant_field_values,
    tenant_fields,
)
from tenancy.utils import get_tenant_model


class Command(BaseCommand):
    help = (
        "Creates a tenant with its schema and tables. Asks for the tenant model's fields, or takes them as "
        "--<field> options with --noinput."
    )

    def add_arguments(self, parser):
        add_tenant_fields(parser)
        add_noinput(parser, "Ask nothing: every required field must be given as an option.")
        add_database(parser, "to create the tenant in")

    def handle(self, *args, **options):
        model, using = get_tenant_model(), options["database"]
        values = tenant_field_values(options)
        for field in tenant_fields():
            if field.attname not in values and options["interactive"] and required(field):
                values[field.attname] = self.ask(field)
        tenant = model(**values)
        try:
            tenant.full_clean(validate_unique=False)  # save() checks uniqueness, schema included
            tenant.save(using=using)
        except exceptions.ValidationError as error:
            raise CommandError(f"The tenant was not created: {messages(error)}") from None
        self.stdout.write(f"Created tenant {tenant} (schema {tenant.db_schema}) in database {using!r}.")

    def ask(self, field):
        while True:
            raw = input(f"{capfirst(describe(field))}: ").strip()
            if not raw:
                self.stderr.write(f"Error: {field.verbose_name} cannot be blank.")
                continue
            try:
                return field.clean(raw, None)
            except exceptions.ValidationError as error:
                self.stderr.write(f"Error: {'; '.join(error.messages)}")
