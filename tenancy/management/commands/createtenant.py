"""``createtenant``: create a tenant (its row, schema and tables), asking for its fields or taking them as options."""

from __future__ import annotations

from django.core import exceptions
from django.core.management.base import BaseCommand, CommandError

from tenancy.management.arguments import add_database, add_noinput
from tenancy.utils import get_tenant_model


def tenant_fields():
    """The fields of the tenant model a user gives values for: editable, concrete, not the primary key."""
    model = get_tenant_model()
    return [f for f in model._meta.concrete_fields if f.editable and not f.primary_key and not f.remote_field]


def _required(field) -> bool:
    return not field.blank and not field.has_default()


class Command(BaseCommand):
    help = (
        "Creates a tenant with its schema and tables. Asks for the tenant model's fields, or takes them as "
        "--<field> options with --noinput."
    )

    def add_arguments(self, parser):
        for field in tenant_fields():
            parser.add_argument(
                f"--{field.name.replace('_', '-')}",
                dest=field.name,
                metavar=field.name.upper(),
                help=f"The tenant's {field.verbose_name}" + (" (required)." if _required(field) else "."),
            )
        add_noinput(parser, "Ask nothing: every required field must be given as an option.")
        add_database(parser, "to create the tenant in")

    def handle(self, *args, **options):
        model, using = get_tenant_model(), options["database"]
        values = {}
        for field in tenant_fields():
            raw = options.get(field.name)
            if raw is None and options["interactive"] and _required(field):
                values[field.name] = self.ask(field)
            elif raw is not None:
                values[field.name] = self.clean(field, raw)
        tenant = model(**values)
        try:
            tenant.full_clean(validate_unique=False)  # save() checks uniqueness, schema included
            tenant.save(using=using)
        except exceptions.ValidationError as error:
            raise CommandError(f"The tenant was not created: {_messages(error)}") from None
        self.stdout.write(f"Created tenant {tenant} (schema {tenant.db_schema}) in database {using!r}.")

    def ask(self, field):
        while True:
            raw = input(f"{field.verbose_name.capitalize()}: ").strip()
            if not raw:
                self.stderr.write(f"Error: {field.verbose_name} cannot be blank.")
                continue
            try:
                return field.clean(raw, None)
            except exceptions.ValidationError as error:
                self.stderr.write(f"Error: {'; '.join(error.messages)}")

    @staticmethod
    def clean(field, raw: str):
        try:
            return field.clean(raw, None)
        except exceptions.ValidationError as error:
            raise CommandError(f"--{field.name.replace('_', '-')}: {'; '.join(error.messages)}") from None


def _messages(error: exceptions.ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return "; ".join(error.messages)
