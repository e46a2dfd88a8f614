"""Copying rows of a tenant model from one tenant to another: :func:`copy_rows`.

The copy is an ``INSERT ... SELECT`` from the source tenant's table into the target's, plus one
per auto-created many-to-many table, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from typing import TYPE_CHECKING

from django.core.exceptions import EmptyResultSet
from django.core.management.color import no_style
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import Q, QuerySet

from ..base import TenantModel
from .rows import _declared
from .union import _same_tenant

if TYPE_CHECKING:
    from ..tenants import AbstractTenant


def _insert_select(cursor, connection, model, queryset: QuerySet) -> int:
    """``INSERT INTO <model's table> (...) SELECT ...`` from ``queryset``; the rows inserted.

    Only the columns of ``model``'s own table are copied (not a parent's, with multi-table
    inheritance), generated columns excepted.
    """
    fields = [f for f in model._meta.local_concrete_fields if not f.generated]
    if not queryset.query.is_sliced:
        queryset = queryset.order_by()
    select = queryset.values_list(*(f.attname for f in fields))
    try:
        sql, params = select.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        return 0
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {sql}", params)
    return cursor.rowcount


def _auto_m2m(model) -> list[models.ManyToManyField]:
    return [f for f in model._meta.local_many_to_many if f.remote_field.through._meta.auto_created]


def copy_rows(
    model: type[TenantModel],
    source: AbstractTenant,
    target: AbstractTenant,
    queryset: Q | Callable[[QuerySet], QuerySet] | None = None,
    *,
    m2m: bool = True,
) -> int:
    """Copy rows of ``model`` from tenant ``source`` to tenant ``target``, keeping primary keys.

    ``queryset`` chooses the rows: None copies them all, a ``Q`` object filters them, and a
    callable receives the source tenant's queryset (of its base manager) and returns the rows to
    copy, e.g. ``lambda rows: rows.filter(created__year=2024)``.

    The copy is one ``INSERT ... SELECT`` statement inside ``transaction.atomic()``. With ``m2m``
    (the default) the rows of the model's own auto-created many-to-many tables that belong to the
    copied rows are copied too, by one more ``INSERT ... SELECT`` each; explicit ``through`` models
    are models of their own, to copy with ``copy_rows()``. The foreign keys of the copied rows are
    then checked, so copy the rows a model points to first (``Product`` before ``Order``, ``Tag``
    before ``Order.tags``, a multi-table parent before its child, whose own table alone is
    copied): a row pointing at a row missing from ``target`` raises IntegrityError. A proxy model
    copies rows of its concrete model.
    On PostgreSQL the sequences of the copied tables are reset past the largest key, so later
    inserts do not collide. A primary key already present in ``target`` raises IntegrityError; on
    any error nothing is copied. Returns the number of ``model`` rows copied.
    """
    declared = _declared(model)
    if _same_tenant(source, target):
        raise ValueError("The source and the target are the same tenant.")
    using = source._state.db or router.db_for_write(type(source), instance=source)
    if (target._state.db or using) != using:
        raise ValueError("The source and the target tenants live in different databases.")
    source_model, target_model = declared.for_tenant(source), declared.for_tenant(target)
    rows = source_model._base_manager.db_manager(using).all()
    if isinstance(queryset, Q):
        rows = rows.filter(queryset)
    elif callable(queryset):
        rows = queryset(rows)
        if not isinstance(rows, QuerySet) or rows.model is not source_model:
            raise TypeError(f"queryset must return a queryset of {source!r}'s {declared.__name__} class.")
    elif queryset is not None:
        raise TypeError("queryset must be None, a Q object or a callable taking and returning a queryset.")
    connection = connections[using]
    # A proxy's rows are in its concrete model's table.
    source_table, target_table = source_model._meta.concrete_model, target_model._meta.concrete_model
    # MySQL checks foreign keys row by row, so a row pointing at one inserted later by the same
    # statement would fail; checks are off during the copy and run over the copied tables after it.
    deferred_checks = connection.constraint_checks_disabled() if connection.vendor == "mysql" else nullcontext()
    with transaction.atomic(using=using), connection.cursor() as cursor, deferred_checks:
        copied = _insert_select(cursor, connection, target_table, rows)
        tables, reset = [target_table._meta.db_table], [target_table]
        fields = _auto_m2m(source_table) if m2m and copied else []
        if fields:
            chosen = rows.values("pk")
            if rows.query.is_sliced:
                chosen = list(chosen.values_list("pk", flat=True))  # MySQL refuses LIMIT in IN (...)
            for field in fields:
                through = field.remote_field.through
                target_through = target_table._meta.get_field(field.name).remote_field.through
                links = through._base_manager.db_manager(using).all()
                if queryset is not None:
                    links = links.filter(**{f"{field.m2m_field_name()}__in": chosen})
                _insert_select(cursor, connection, target_through, links)
                tables.append(target_through._meta.db_table)
                reset.append(target_through)
        try:
            connection.check_constraints(table_names=tables)
        except IntegrityError as error:
            raise IntegrityError(
                f"Copying {declared.__name__} rows from {source!r} to {target!r} would leave a foreign key "
                f"pointing at a row {target!r} does not have: copy the rows it points to first. ({error})"
            ) from error
        for sql in connection.ops.sequence_reset_sql(no_style(), reset):
            cursor.execute(sql)
    return copied
