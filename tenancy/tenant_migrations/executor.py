"""Planning tenant migrations, and applying them to many tenants.

Tenants with the same applied migrations (usually all of them) form a group with one plan and
one sequence of project states, worked out once. Each tenant is then migrated in a transaction of
its own (on PostgreSQL and SQLite, whose DDL is transactional), which records what it applies
first (:mod:`.recorder`): a failure rolls that tenant back and the others go on, and no
transaction ever holds more than one tenant's locks.

On PostgreSQL the SQL of each migration is worked out once per group: the migration is applied,
with a recording schema editor, to a scratch schema made at the group's state inside a
transaction that is rolled back, and its statements are replayed for each tenant with the schema
name substituted. Migrations that run Python per tenant, and tenants on which the replayed SQL
fails (a catalog that differs from the scratch schema's, e.g. a constraint of another name), are
migrated directly instead: Django's operations, on historical models bound to the tenant.
"""

from __future__ import annotations

import copy
import threading
import uuid
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.migrations.exceptions import InvalidMigrationPlan, IrreversibleError
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.models import CreateModel

from .. import naming
from .. import schema as tenant_schema
from ..operations import RunPython
from . import recorder
from .classify import flat_operations, in_graph_order, tenant_migrations
from .editor import tenant_schema_editor
from .state import Binding, TenantProjectState, is_tenant_state


@dataclass
class Step:
    """One migration to apply (or unapply) to a tenant, with the project state before it."""

    migration: object
    backwards: bool
    state: object  # ProjectState, unbound

    @property
    def keys(self):
        return recorder.keys_of(self.migration)


@dataclass
class Outcome:
    schema: str
    applied: list = field(default_factory=list)  # the steps' migrations, when it was migrated
    error: BaseException | None = None
    skipped: str = ""  # why nothing was done, when another process did it first
    replayed: bool = False  # migrated by the SQL worked out once, in one round trip


class TenantMigrationPlanner(MigrationExecutor):
    """Django's executor, for planning only, against one tenant group's applied migrations."""

    def __init__(self, loader: MigrationLoader):  # no super().__init__(): it would load and record
        self.connection = loader.connection
        self.loader = loader
        self.recorder = None
        self.progress_callback = None


class TenantMigrator:
    """Migrates the tenants stored in database ``using``: what ``migrate`` runs, for code.

    ``TenantMigrator().migrate(Shop.objects.all())`` brings those tenants to the latest
    migrations and returns an :class:`Outcome` per tenant it had to migrate (with ``error`` set
    for those that failed, and were rolled back).
    """

    def __init__(self, using: str = "default"):
        self.using = using
        self.connection = connections[using]
        self.loader = MigrationLoader(self.connection, ignore_no_migrations=True)
        self.tenant_keys = tenant_migrations(self.loader)
        self.graph_order = in_graph_order(self.loader.graph)
        self._recorded: dict = {}
        # The schema each plan's SQL is worked out on, then replaced by each tenant's in it.
        self.scratch = f"tenancy_scratch_{uuid.uuid4().hex[:16]}"

    # Planning.

    def default_targets(self) -> list[tuple[str, str]]:
        """The latest migration of every app that has tenant migrations."""
        apps = {app for app, _ in self.tenant_keys}
        return [key for key in self.loader.graph.leaf_nodes() if key[0] in apps]

    def planner(self, applied: frozenset) -> TenantMigrationPlanner:
        """A planner that sees a tenant whose tenant migrations ``applied`` are recorded as applied.

        A global migration counts as applied once the tenant migrations it depends on are: Django
        plans nothing forwards to an applied target, and an app whose latest migration is global
        (a field added to a global model after its tenant models) must still bring a tenant that
        lacks the tenant migrations before it up to date.
        """
        loader = copy.copy(self.loader)
        graph = self.loader.graph
        done: dict[tuple[str, str], bool] = {}
        for key in self.graph_order:  # each after those it depends on
            migration = graph.nodes[key]
            if key in self.tenant_keys:
                done[key] = key in applied or bool(migration.replaces and all(r in applied for r in migration.replaces))
            else:
                done[key] = all(done[parent.key] for parent in graph.node_map[key].parents)
        loader.applied_migrations = {key: graph.nodes[key] for key, ok in done.items() if ok}
        return TenantMigrationPlanner(loader)

    def group(self, tenants) -> dict[frozenset, list]:
        """``tenants`` by the migrations they have (usually one group), in one query."""
        applied = recorder.applied(self.connection, [t.db_schema for t in tenants])
        groups = defaultdict(list)
        for tenant in tenants:
            groups[applied.get(tenant.db_schema, frozenset())].append(tenant)
        return groups

    def plan(self, applied: frozenset, targets=None) -> list[Step]:
        """The steps bringing a tenant whose applied migrations are ``applied`` to ``targets``
        (default: the latest migration of every app with tenant migrations)."""
        targets = self.default_targets() if targets is None else targets
        planner = self.planner(applied)
        whole_plan = planner.migration_plan(targets)
        plan = [
            (migration, backwards)
            for migration, backwards in whole_plan
            if (migration.app_label, migration.name) in self.tenant_keys
        ]
        if not plan:
            return []
        directions = {backwards for _, backwards in plan}
        if len(directions) > 1:
            raise InvalidMigrationPlan(
                "Migration plans with both forwards and backwards migrations are not supported.", plan
            )
        if not directions.pop():
            state = planner._create_project_state(with_applied_migrations=True)
            steps = []
            for migration, _ in whole_plan:  # a global migration between two tenant ones changes the state too
                if (migration.app_label, migration.name) in self.tenant_keys:
                    steps.append(Step(migration, False, state))
                state = migration.mutate_state(state, preserve=True)
            return steps
        # Backwards: the state before each migration, computed as Django computes it.
        full_plan = planner.migration_plan(self.loader.graph.leaf_nodes(), clean_start=True)
        to_run = {m for m, _ in plan}
        applied_set = {self.loader.graph.nodes[k] for k in planner.loader.applied_migrations}
        states, state = {}, planner._create_project_state()
        for migration, _ in full_plan:
            if not to_run:
                break
            if migration in to_run:
                states[migration] = state
                state = migration.mutate_state(state, preserve=True)
                to_run.remove(migration)
            elif migration in applied_set:
                migration.mutate_state(state, preserve=False)
        return [Step(m, True, states[m]) for m, _ in plan]

    # Running.

    def migrate(
        self, tenants, targets=None, *, jobs: int = 1, fake: bool = False, fake_initial: bool = False, progress=None
    ) -> list[Outcome]:
        """Bring each of ``tenants`` to ``targets`` (default: every tenant app's latest migration)."""
        self.fake, self.fake_initial = fake, fake_initial
        tenants = list(tenants)
        work = []
        for applied_set, members in self.group(tenants).items():
            steps = self.plan(applied_set, targets)
            if steps:
                work.extend((tenant, steps) for tenant in members)
        if progress is not None:
            progress.start(len(tenants), len(tenants) - len(work))
        if not work:
            return []
        if naming.uses_schemas(self.connection) and not (fake or fake_initial):
            for steps in {id(steps): steps for _, steps in work}.values():
                self._record(steps)
        if self.connection.vendor == "sqlite":
            jobs = 1  # one writer at a time
        if jobs <= 1:
            return [self._migrate_one(tenant, steps, progress) for tenant, steps in work]
        return self._in_threads(work, jobs, progress)

    def _in_threads(self, work, jobs: int, progress) -> list[Outcome]:
        """Migrate with ``jobs`` threads, each on a connection of its own for all its tenants."""
        items, lock = iter(enumerate(work)), threading.Lock()
        outcomes: list = [None] * len(work)

        def worker():
            try:
                while True:
                    with lock:
                        index, (tenant, steps) = next(items, (None, (None, None)))
                    if index is None:
                        return
                    outcomes[index] = self._migrate_one(tenant, steps, progress)
            finally:
                connections[self.using].close()

        threads = [threading.Thread(target=worker, name=f"tenancy-migrate-{i}") for i in range(jobs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return outcomes

    def _migrate_one(self, tenant, steps, progress) -> Outcome:
        schema = tenant.db_schema
        outcome = Outcome(schema)
        try:
            recorded = self._recorded.get(id(steps))
            if recorded is not None:
                try:
                    if self._replay(tenant, steps, recorded):
                        outcome.replayed = True
                    else:
                        self._apply(tenant, steps, recorded)
                except DatabaseError:
                    # The scratch schema's SQL did not fit this tenant (whose catalog differs from
                    # it, or whose data makes a statement fail): migrate it directly, introspecting.
                    outcome.replayed = False
                    self._apply(tenant, steps, None)
            else:
                self._apply(tenant, steps, None)
            outcome.applied = [step.migration for step in steps]
        except recorder.AlreadyMigrated as error:
            outcome.skipped = str(error)
        except Exception as error:  # one tenant's failure must not stop the others
            outcome.error = error
        if progress is not None:
            progress.advance(outcome)
        return outcome

    def _replay(self, tenant, steps, recorded) -> bool:
        """Migrate ``tenant`` forwards with the recorded SQL alone, in a single round trip (which
        PostgreSQL runs as one transaction); False when the plan has steps that cannot be replayed."""
        connection = connections[self.using]
        if connection.in_atomic_block or any(s.backwards or s.migration not in recorded for s in steps):
            return False
        schema = tenant.db_schema
        statements = [recorder.applied_sql(connection, schema, [key for step in steps for key in step.keys])]
        statements += [self.sql_for(recorded[s.migration], schema) for s in steps]
        try:
            with connection.cursor() as cursor:
                cursor.execute(";\n".join(filter(None, statements)))
        except IntegrityError as error:
            if recorder.UNIQUE in str(error):
                raise recorder.AlreadyMigrated(schema) from error
            raise
        return True

    def _apply(self, tenant, steps, recorded) -> None:
        connection = connections[self.using]
        binding = Binding(connection, tenant.db_schema, tenant)
        transactional = connection.features.can_rollback_ddl
        editor = tenant_schema_editor(connection, binding, atomic=transactional)
        with editor:
            if transactional:
                for step in steps:
                    _record(connection, binding.schema, step)
            state = None  # the bound state a forwards step ended at, for the next one
            for step in steps:
                sql = recorded.get(step.migration) if recorded is not None else None
                if sql is not None:
                    state = None
                    if sql:
                        with connection.cursor() as cursor:
                            cursor.execute(self.sql_for(sql, binding.schema))
                elif not (self.fake or self.fake_initial and self._soft_applied(step, binding)):
                    state = run_tenant_operations(step, state or TenantProjectState.of(step.state, binding), editor)
                    if step.backwards:
                        state = None
                if not transactional:
                    _record(connection, binding.schema, step)

    def _soft_applied(self, step: Step, binding: Binding) -> bool:
        """Whether the tables a migration creates for the tenant all exist already
        (``--fake-initial``): true of a tenant created before its app had tenant migrations,
        whose tables came from the models. Such a migration is the first to create tenant models,
        but not always its app's initial one (the app may have global models)."""
        if step.backwards:
            return False
        state = TenantProjectState.of(step.migration.mutate_state(step.state, preserve=True), binding)
        app_label = step.migration.app_label
        tables = [
            state.apps.get_model(app_label, op.name)._meta.db_table
            for op in step.migration.operations
            if isinstance(op, CreateModel) and getattr(op, "tenancy_per_tenant", False) and not op.options.get("proxy")
        ]
        return bool(tables) and tenant_schema.tables_exist(binding.connection, binding.schema, tables)

    # The SQL of a plan, worked out once on PostgreSQL.

    def sql_for(self, recorded_sql: str, schema: str) -> str:
        """SQL recorded on the scratch schema, for the tenant whose schema is ``schema``."""
        return recorded_sql.replace(f'"{self.scratch}"', f'"{schema}"')

    def _record(self, steps: list[Step]) -> None:
        """Work out the SQL of each replayable step on a scratch schema, rolled back afterwards."""
        connection = self.connection
        binding = Binding(connection, self.scratch, None)
        recorded = {}
        with transaction.atomic(using=self.using):
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE SCHEMA {connection.ops.quote_name(binding.schema)}")
                # The tenants' current state: before the first step forwards, after it backwards.
                current = steps[0].state
                if steps[0].backwards:
                    current = steps[0].migration.mutate_state(current, preserve=True)
                start = TenantProjectState.of(current, binding)
                models = [start.apps.get_model(*key) for key, ms in current.models.items() if is_tenant_state(ms)]
                cursor.execute(";\n".join(tenant_schema.tables_ddl(connection, models)))
            state = start if not steps[0].backwards else None
            for step in steps:
                editor = tenant_schema_editor(connection, binding, atomic=False, record=True)
                with editor:
                    # Forwards, each step starts where the previous one ended: rendered already.
                    state = run_tenant_operations(step, state or TenantProjectState.of(step.state, binding), editor)
                    if step.backwards:
                        state = None
                if not _runs_python(step.migration):
                    recorded[step.migration] = ";\n".join(editor.recorded)
            transaction.set_rollback(True, using=self.using)
        self._recorded[id(steps)] = recorded


def run_tenant_operations(step: Step, state, editor):
    """Migration.apply() or unapply() of ``step``, whose operations that are not per tenant only
    change the state (they ran in the global pass). Returns the state after the migration."""
    migration, app_label = step.migration, step.migration.app_label
    pairs = []  # (operation, state before it, state after it)
    for operation in migration.operations:
        if step.backwards and not operation.reversible:
            raise IrreversibleError(f"Operation {operation} in {migration} is not reversible")
        before = state
        state = state.clone()
        operation.state_forwards(app_label, state)
        if getattr(operation, "tenancy_per_tenant", False):
            pairs.append((operation, before, state))
    for operation, before, after in reversed(pairs) if step.backwards else pairs:
        atomic = operation.atomic or (migration.atomic and operation.atomic is not False)
        with transaction.atomic(editor.connection.alias) if atomic and not editor.atomic_migration else nullcontext():
            if step.backwards:
                operation.database_backwards(app_label, editor, after, before)
            else:
                operation.database_forwards(app_label, editor, before, after)
    return state


def _record(connection, schema: str, step: Step) -> None:
    if step.backwards:
        recorder.record_unapplied(connection, schema, step.keys)
    else:
        recorder.record_applied(connection, schema, step.keys)


def _runs_python(migration) -> bool:
    return any(isinstance(operation, RunPython) for operation in flat_operations(migration.operations))
