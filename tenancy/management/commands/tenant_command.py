"""``tenant_command``: run any management command for one tenant, several, or every tenant.

    manage.py tenant_command --tenant acme dumpdata --indent 2 -o acme.json
    manage.py tenant_command --tenant globex loaddata acme.json
    manage.py tenant_command --all-tenants dumpdata -o "dump-{schema}.json"

The command runs with the tenant's classes in Django's app registry under their declared labels
(see :mod:`tenancy.management.scope`). ``{schema}`` in an argument is replaced by each tenant's
schema name. ``dumpdata`` without model labels dumps every tenant model (not the global ones), and
always writes natural foreign keys, so that content types travel as ``["shop", "product"]``
rather than as ids of this tenant's rows.
"""

from __future__ import annotations

import argparse

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from tenancy.base import declared_models
from tenancy.management.arguments import add_database
from tenancy.management.scope import forget_loaddata_commands, tenant_scope
from tenancy.utils import find_tenants


class Command(BaseCommand):
    help = "Runs a management command for a tenant (--tenant KEY, repeatable) or for every tenant (--all-tenants)."

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument(
            "--tenant",
            action="append",
            dest="tenant_keys",
            metavar="KEY",
            help="A tenant's natural key or schema name; repeat it for several tenants.",
        )
        scope.add_argument("--all-tenants", action="store_true", help="Run the command for every tenant.")
        add_database(parser, "the tenants are stored in")
        parser.add_argument("command_name", metavar="COMMAND", help="The management command to run.")
        parser.add_argument("command_args", nargs=argparse.REMAINDER, metavar="ARGS", help="Its arguments.")

    def handle(self, *args, **options):
        name = options["command_name"]
        if name not in get_commands():
            raise CommandError(f"Unknown command: {name!r}.")
        if name == "tenant_command":
            raise CommandError("tenant_command cannot run itself.")
        keys = None if options["all_tenants"] else options["tenant_keys"]
        tenants = find_tenants(options["database"], keys)
        arguments = list(options["command_args"])
        if name == "dumpdata":
            arguments = _dumpdata_arguments(arguments)
        for tenant in tenants:
            if len(tenants) > 1:
                self.stderr.write(f"== {tenant} ({tenant.db_schema})")
            try:
                with tenant_scope(tenant):
                    call_command(
                        name,
                        *[argument.replace("{schema}", tenant.db_schema) for argument in arguments],
                        stdout=self.stdout._out,
                        stderr=self.stderr._out,
                    )
            finally:
                if name == "loaddata":
                    forget_loaddata_commands()


def _dumpdata_arguments(arguments: list[str]) -> list[str]:
    """Natural foreign keys always; every tenant model when no label is given."""
    if "--natural-foreign" not in arguments:
        arguments = ["--natural-foreign", *arguments]
    takes_value = {"-o", "--output", "--format", "--indent", "--database", "-e", "--exclude", "--pks"}
    positional, skip = [], False
    for argument in arguments:
        if skip:
            skip = False
        elif argument in takes_value:
            skip = True
        elif not argument.startswith("-"):
            positional.append(argument)
    if not positional:
        labels = [model._meta.label for model in declared_models if not model._meta.proxy]
        arguments = [*arguments, *labels]
    return arguments
