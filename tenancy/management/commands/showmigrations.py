"""``showmigrations``: Django's, then how many tenants are at each state (or one tenant's list)."""

from __future__ import annotations

from django.core.management.commands.showmigrations import Command as DjangoShowmigrations

from tenancy.tenant_migrations.classify import in_graph_order
from tenancy.tenant_migrations.executor import TenantMigrator
from tenancy.utils import find_tenants


class Command(DjangoShowmigrations):
    help = (
        "Shows all available migrations for the current project, then how many tenants are at each "
        "state of the tenant migrations; with --tenant, that tenant's migrations one by one."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--tenant",
            action="append",
            dest="tenant_keys",
            metavar="KEY",
            help="Show this tenant's migrations (its natural key or schema name; repeatable).",
        )

    def handle(self, *args, **options):
        database = options["database"]
        if not options["tenant_keys"]:
            super().handle(*args, **options)
        migrator = TenantMigrator(database)
        if not migrator.tenant_keys:
            return
        tenants = find_tenants(database, options["tenant_keys"])
        groups = migrator.group(tenants)
        if options["tenant_keys"]:
            for tenant in tenants:
                self.show_tenant(migrator, tenant, groups, options["app_label"])
        else:
            self.show_summary(migrator, tenants, groups)

    def show_tenant(self, migrator: TenantMigrator, tenant, groups, app_labels) -> None:
        applied = next(state for state, members in groups.items() if tenant in members)
        self.stdout.write(self.style.MIGRATE_HEADING(f"Tenant {tenant} ({tenant.db_schema}):"))
        for key in in_graph_order(migrator.loader.graph):
            if key not in migrator.tenant_keys or (app_labels and key[0] not in app_labels):
                continue
            migration = migrator.loader.graph.nodes[key]
            done = key in applied or bool(migration.replaces) and all(r in applied for r in migration.replaces)
            self.stdout.write(f" [{'X' if done else ' '}] {key[0]}.{key[1]}")

    def show_summary(self, migrator: TenantMigrator, tenants, groups) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING("Tenants:"))
        if not tenants:
            self.stdout.write("  (no tenants)")
            return
        for applied, members in sorted(groups.items(), key=lambda item: -len(item[1])):
            pending = [f"{s.migration.app_label}.{s.migration.name}" for s in migrator.plan(applied)]
            names = ", ".join(t.db_schema for t in members[:3]) + (", ..." if len(members) > 3 else "")
            state = "up to date" if not pending else f"{len(pending)} to apply: {', '.join(pending)}"
            self.stdout.write(f"  {len(members)} of {len(tenants)} tenant(s) {state} ({names})")
