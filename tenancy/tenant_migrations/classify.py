"""Which migrations run per tenant, and which of their operations.

An operation runs per tenant when it concerns a tenant model (its state carries TENANT_FEATURE),
or when it is one of :mod:`tenancy.operations` (``RunPython``, ``RunSQL``). Django's own
``RunPython`` and ``RunSQL`` are made tenant operations when their migration is a tenant one: all
its model operations concern tenant models (and there is at least one), or it has none and its
app has tenant models and no global ones. ``hints={"tenant": True}`` (or ``False``) on the
operation says it explicitly. A migration with at least one tenant operation is a *tenant
migration*: it is recorded per tenant, and applied to each tenant by ``migrate``.
"""

from __future__ import annotations

import functools

from django.apps import apps as global_apps
from django.core.signals import setting_changed
from django.db import migrations
from django.db.migrations.operations.base import Operation
from django.db.migrations.operations.fields import FieldOperation
from django.db.migrations.operations.models import CreateModel, DeleteModel, ModelOperation, RenameModel
from django.dispatch import receiver

from .. import naming
from .. import operations as tenant_operations
from ..base import declared_models
from .state import TENANT_FEATURE

_CODE = {migrations.RunPython: tenant_operations.RunPython, migrations.RunSQL: tenant_operations.RunSQL}


def tenant_migrations(loader) -> set[tuple[str, str]]:
    """The keys of the tenant migrations in ``loader``'s graph (Django's tenant-bound code
    operations in them become tenancy's, once per process: see the module's docstring)."""
    tenant_names: dict[str, set[str]] = {}  # per app, the tenant models at this point of history
    keys = set()
    for key in in_graph_order(loader.graph):
        migration = loader.graph.nodes[key]
        if classify(migration, tenant_names.setdefault(migration.app_label, set())):
            keys.add(key)
    return keys


def in_graph_order(graph) -> list[tuple[str, str]]:
    """Every migration of ``graph``, each after those it depends on, in the same order each time."""
    seen, order = set(), []
    for leaf in sorted(graph.leaf_nodes()):
        for key in graph.forwards_plan(leaf):
            if key not in seen:
                seen.add(key)
                order.append(key)
    return order


def classify(migration, tenant_names: set[str]) -> bool:
    """Whether ``migration`` is a tenant migration; updates ``tenant_names`` with its model changes."""
    verdicts = [_model_verdict(op, tenant_names) for op in flat_operations(migration.operations)]
    model_verdicts = [v for v in verdicts if v is not None]
    if model_verdicts:
        code_default = all(model_verdicts)
    else:
        code_default = _tenant_app(migration.app_label)
    for operation, verdict in zip(flat_operations(migration.operations), verdicts, strict=True):
        if type(operation) in _CODE and operation.hints.get("tenant", code_default):
            operation.__class__ = _CODE[type(operation)]
        operation.tenancy_per_tenant = bool(verdict) or isinstance(operation, tuple(_CODE.values()))
    for operation in migration.operations:
        if isinstance(operation, migrations.SeparateDatabaseAndState):
            operation.tenancy_per_tenant = any(op.tenancy_per_tenant for op in operation.database_operations)
    return any(operation.tenancy_per_tenant for operation in migration.operations)


def flat_operations(operations):
    """``operations``, with those inside SeparateDatabaseAndState in their place."""
    for operation in operations:
        if isinstance(operation, migrations.SeparateDatabaseAndState):
            yield from flat_operations(operation.database_operations)
            yield from flat_operations(operation.state_operations)
        else:
            yield operation


def _model_verdict(operation: Operation, tenant_names: set[str]) -> bool | None:
    """Whether a model operation concerns a tenant model (None: not a model operation)."""
    if isinstance(operation, CreateModel):
        is_tenant = TENANT_FEATURE in operation.options.get("required_db_features", ())
        if is_tenant:
            tenant_names.add(operation.name_lower)
        return is_tenant
    if isinstance(operation, RenameModel):
        is_tenant = operation.old_name_lower in tenant_names
        if is_tenant:
            tenant_names.discard(operation.old_name_lower)
            tenant_names.add(operation.new_name_lower)
        return is_tenant
    if isinstance(operation, DeleteModel):
        is_tenant = operation.name_lower in tenant_names
        tenant_names.discard(operation.name_lower)
        return is_tenant
    if isinstance(operation, ModelOperation):
        return operation.name_lower in tenant_names
    model_name = getattr(operation, "model_name_lower", None)
    if isinstance(operation, FieldOperation) or model_name is not None:
        return model_name in tenant_names
    return None


def _tenant_app(app_label: str) -> bool:
    has_tenant_models = any(model._meta.app_label == app_label for model in declared_models)
    try:
        has_global_models = bool(global_apps.get_app_config(app_label).get_models())
    except LookupError:
        has_global_models = False
    return has_tenant_models and not has_global_models


@functools.cache
def latest_tenant_migrations() -> tuple[tuple[str, str], ...]:
    """The rows a tenant created now gets in the recorder: every tenant migration on disk (and
    the migrations each squashed one replaces), since it is created at the latest state."""
    from .recorder import keys_of

    loader = _disk_loader()
    nodes = loader.graph.nodes
    return tuple(dict.fromkeys(k for key in sorted(tenant_migrations(loader)) for k in keys_of(nodes[key])))


@receiver(setting_changed)
def _forget_latest(setting, **kwargs):
    if setting in ("MIGRATION_MODULES", "INSTALLED_APPS"):
        _disk_loader.cache_clear()
        latest_tenant_migrations.cache_clear()
        historical_tenant_tables.cache_clear()


@functools.cache
def historical_tenant_tables(max_name_length: int | None) -> frozenset[str]:
    """The unqualified tables tenant models have had at any point of their migrations' history:
    a tenant behind the latest state has some that the current models don't (a model deleted
    or renamed since), and deleting it must drop those too where tenants have no schema."""
    from django.db.migrations.state import ProjectState

    from .state import is_tenant_state

    loader = _disk_loader()
    state = ProjectState(real_apps=loader.unmigrated_apps)
    tables = set()
    for key in in_graph_order(loader.graph):
        loader.graph.nodes[key].mutate_state(state, preserve=False)
        for model_state in state.models.values():
            if not is_tenant_state(model_state) or model_state.options.get("proxy"):
                continue
            table = model_state.options.get("db_table") or naming.default_table(
                model_state.app_label, model_state.name_lower, max_name_length
            )
            tables.add(table)
            for name, field in model_state.fields.items():
                if field.many_to_many and field.remote_field.through is None:
                    tables.add(naming.m2m_table(table, name, field.db_table, max_name_length))
    return frozenset(tables)


@functools.cache
def _disk_loader():
    """The migrations on disk, loaded once per process: what a tenant created now is at."""
    from django.db.migrations.loader import MigrationLoader

    return MigrationLoader(None, ignore_no_migrations=True)
