"""``migrate``: Django's, for the global apps, then every tenant (or the tenants named)."""

from __future__ import annotations

import sys

from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

from tenancy.tenant_migrations.autodetector import TenantAutodetector
from tenancy.tenant_migrations.executor import TenantMigrator
from tenancy.tenant_migrations.progress import Progress
from tenancy.utils import find_tenants


class Command(DjangoMigrate):
    help = (
        "Updates the database schema: the global apps' tables, then every tenant's. Manages both "
        "apps with migrations and those without."
    )
    autodetector = TenantAutodetector

    def add_arguments(self, parser):
        super().add_arguments(parser)
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument(
            "--global-only",
            action="store_true",
            help="Migrate the global apps only, not the tenants.",
        )
        scope.add_argument(
            "--tenant",
            action="append",
            dest="tenant_keys",
            metavar="KEY",
            help="Migrate this tenant only (its natural key or schema name; repeatable). The global "
            "apps are not migrated.",
        )
        scope.add_argument(
            "--tenants-only",
            action="store_true",
            help="Migrate every tenant, not the global apps.",
        )
        parser.add_argument(
            "--jobs",
            "-j",
            type=int,
            default=1,
            help="Migrate this many tenants at once (PostgreSQL and MySQL; SQLite migrates one at a time).",
        )

    def handle(self, *args, **options):
        database = options["database"]
        # Made first, it turns Django's RunPython and RunSQL in tenant migrations into tenant
        # operations before Django's executor loads the same migrations for the global pass. Its
        # plans take every global migration as applied, so the global pass leaves it current.
        migrator = TenantMigrator(database)
        if not (options["tenant_keys"] or options["tenants_only"]):
            super().handle(*args, **options)
        if options["global_only"]:
            return
        try:
            self.migrate_tenants(migrator, database, options)
        finally:
            if not (options["plan"] or options["check_unapplied"]):
                self.refill_pool(database, options["verbosity"])

    def refill_pool(self, database: str, verbosity: int) -> None:
        """Replace pooled schemas made for the models and migrations before this migrate."""
        from tenancy import naming, pool
        from tenancy.conf import settings

        if settings.TENANCY_POOL_SIZE and naming.uses_schemas(connections[database]):
            created, dropped = pool.fill_pool(database)
            if verbosity >= 1:
                self.stdout.write(f"  Pool of prepared schemas: {dropped} stale dropped, {created} made.")

    def migrate_tenants(self, migrator: TenantMigrator, database: str, options) -> None:
        verbosity = options["verbosity"]
        targets = self._tenant_targets(migrator, options["app_label"], options["migration_name"])
        tenants = find_tenants(database, options["tenant_keys"])
        if options["plan"]:
            self._show_plan(migrator, tenants, targets)
            return
        if options["check_unapplied"]:
            groups = migrator.group(tenants)
            if any(migrator.plan(applied, targets) for applied in groups):
                sys.exit(1)
            return
        if verbosity >= 1:
            self.stdout.write(self.style.MIGRATE_HEADING("Migrating tenants:"))
        progress = Progress(self.stdout._out) if verbosity >= 1 else None  # a bar on a terminal only
        how = {"jobs": options["jobs"], "fake": options["fake"], "fake_initial": options["fake_initial"]}
        outcomes = migrator.migrate(tenants, targets, progress=progress, **how)
        if not options["tenant_keys"]:
            # Tenants created meanwhile by a process running older code may be behind: once more.
            seen = {tenant.pk for tenant in tenants}
            newcomers = [tenant for tenant in find_tenants(database) if tenant.pk not in seen]
            tenants += newcomers
            outcomes += migrator.migrate(newcomers, targets, **how)
        if progress is not None:
            progress.finish()
        failed = [o for o in outcomes if o.error is not None]
        migrated = [o for o in outcomes if o.error is None and not o.skipped]
        if verbosity >= 1:
            self.stdout.write(
                f"  {len(migrated)} tenant(s) migrated, {len(tenants) - len(outcomes)} already up to date, "
                f"{sum(1 for o in outcomes if o.skipped)} migrated by another process, {len(failed)} failed."
            )
        if failed:
            lines = [f"  {o.schema}: {type(o.error).__name__}: {o.error}" for o in failed]
            raise CommandError(
                f"{len(failed)} tenant(s) could not be migrated; each was rolled back where the database "
                "allows it, and running migrate again retries them:\n" + "\n".join(lines)
            )

    def _tenant_targets(self, migrator: TenantMigrator, app_label, migration_name):
        if not app_label:
            return None
        graph = migrator.loader.graph
        if migration_name is None:
            return [key for key in graph.leaf_nodes() if key[0] == app_label]
        if migration_name == "zero":
            return [(app_label, None)]
        try:
            migration = migrator.loader.get_migration_by_prefix(app_label, migration_name)
        except KeyError as error:
            raise CommandError(str(error)) from error
        return [(app_label, migration.name)]

    def _show_plan(self, migrator: TenantMigrator, tenants, targets) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING("Planned operations for tenants:"))
        groups = migrator.group(tenants)
        shown = False
        for applied, members in groups.items():
            steps = migrator.plan(applied, targets)
            if not steps:
                continue
            shown = True
            names = ", ".join(sorted(t.db_schema for t in members)[:5]) + (", ..." if len(members) > 5 else "")
            self.stdout.write(f"  {len(members)} tenant(s) ({names}):")
            for step in steps:
                verb = "Unapply" if step.backwards else "Apply"
                self.stdout.write(f"    {verb} {step.migration.app_label}.{step.migration.name}")
                for operation in step.migration.operations:
                    message, irreversible = self.describe_operation(operation, step.backwards)
                    style = self.style.WARNING if irreversible else None
                    self.stdout.write("      " + (style(message) if style else message))
        if not shown:
            self.stdout.write("  No planned migration operations.")
