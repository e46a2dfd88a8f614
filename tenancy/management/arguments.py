"""Options several of tenancy's commands share, worded once."""

from __future__ import annotations

from django.core import exceptions
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from tenancy.utils import get_tenant_model


def add_database(parser, role: str) -> None:
    """``--database``: ``role`` says what the database is to the command ("whose tenants to list")."""
    parser.add_argument(
        "--database",
        default=DEFAULT_DB_ALIAS,
        choices=tuple(connections),
        help=f'The database {role} (default: "default").',
    )


def add_noinput(parser, help: str) -> None:
    """``--noinput``/``--no-input``, as Django's commands spell it (``options["interactive"]``)."""
    parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive", help=help)


def tenant_fields():
    """The fields of the tenant model a user gives values for: editable, concrete, not the primary
    key. A foreign key's value is the primary key (or ``to_field``) of the row it points to."""
    model = get_tenant_model()
    return [f for f in model._meta.concrete_fields if f.editable and not f.primary_key]


def describe(field) -> str:
    """How a field's value is given: its verbose name, and for a foreign key what to type."""
    if field.remote_field is None:
        return field.verbose_name
    target = field.remote_field.model._meta
    key = "primary key" if field.target_field.primary_key else field.target_field.verbose_name
    return f"{field.verbose_name} (the {key} of a {target.verbose_name})"


def required(field) -> bool:
    return not field.blank and not field.has_default()


def add_tenant_fields(parser, what: str = "The tenant's") -> None:
    """An option per field of the tenant model: ``--name``, ``--plan`` (underscores become hyphens)."""
    for field in tenant_fields():
        parser.add_argument(
            f"--{field.name.replace('_', '-')}",
            dest=field.name,
            metavar=field.name.upper(),
            help=f"{what} {describe(field)}" + (" (required)." if required(field) else "."),
        )


def tenant_field_values(options) -> dict:
    """The tenant fields given as options, each cleaned by its field, by attribute name (``plan_id``
    for a foreign key); CommandError names a bad one."""
    values = {}
    for field in tenant_fields():
        raw = options.get(field.name)
        if raw is None:
            continue
        try:
            values[field.attname] = field.clean(raw, None)  # a foreign key's: of a row that exists
        except exceptions.ValidationError as error:
            raise CommandError(f"--{field.name.replace('_', '-')}: {'; '.join(error.messages)}") from None
    return values


def messages(error: exceptions.ValidationError) -> str:
    """A ValidationError's messages on one line, each field's named."""
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(texts)}" for name, texts in error.message_dict.items())
    return "; ".join(error.messages)
