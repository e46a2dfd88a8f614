"""``tenancy_pool``: the pool of prepared schemas (PostgreSQL): its state, filling it, emptying it."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from tenancy import naming, pool
from tenancy.conf import settings
from tenancy.management.arguments import add_database


class Command(BaseCommand):
    help = (
        "Shows how many prepared schemas the pool holds for new tenants (PostgreSQL), ready or stale; "
        "with --fill, drops the stale ones and prepares schemas up to TENANCY_POOL_SIZE (or --size); "
        "with --clear, drops them all."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fill",
            action="store_true",
            help="Drop the stale pooled schemas and prepare new ones until the pool holds its size ready.",
        )
        parser.add_argument(
            "--size",
            type=int,
            metavar="N",
            help="The number of ready schemas --fill fills the pool to (default: TENANCY_POOL_SIZE).",
        )
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Drop every pooled schema (before filling, with --fill).",
        )
        add_database(parser, "whose pool to show or change")

    def handle(self, *args, **options):
        using = options["database"]
        if not naming.uses_schemas(connections[using]):
            raise CommandError(
                f"The pool of prepared schemas needs PostgreSQL; database {using!r} is "
                f"{connections[using].display_name}."
            )
        size = options["size"]
        if size is not None and size < 0:
            raise CommandError("--size must be 0 or more.")
        if size is not None and not options["fill"]:
            raise CommandError("--size goes with --fill.")
        if options["clear"]:
            dropped = pool.clear_pool(using)
            self.stdout.write(f"Dropped {_schemas(dropped)}.")
        if options["fill"]:
            created, dropped = pool.fill_pool(using, size)
            self.stdout.write(f"Dropped {_schemas(dropped, 'stale ')}, created {_schemas(created)}.")
        counts = pool.status(using)
        target = settings.TENANCY_POOL_SIZE
        self.stdout.write(
            f"Pool of database {using!r}: {counts['ready']} ready, {counts['stale']} stale "
            f"(TENANCY_POOL_SIZE = {target}{', the pool is off' if target == 0 else ''})."
        )


def _schemas(count: int, kind: str = "") -> str:
    return f"{count} {kind}pooled schema{'' if count == 1 else 's'}"
