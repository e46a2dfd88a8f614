"""What a cross-tenant queryset pushes down into each tenant's SELECT, and how the union reads it.

The queryset runs filters and per-row annotations in each tenant's SELECT. The helpers here read
the lookups and expressions it is given (the names they start from, the field paths they name,
whether they refer to an outer query), and :class:`DerivedCol` is the union's column for a value
computed in each tenant's SELECT.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import Col, OuterRef, ResolvedOuterRef
from django.db.models.fields import AutoFieldMixin

from .rows import _key_field


def _roots(q: Q) -> set[str] | None:
    """The first parts of the lookups in ``q``, or None if it holds a bare expression."""
    roots: set[str] = set()
    for child in q.children:
        if isinstance(child, Q):
            inner = _roots(child)
            if inner is None:
                return None
            roots |= inner
        elif isinstance(child, tuple):
            roots.add(child[0].split("__", 1)[0])
        else:
            return None
    return roots


def _field_paths(expressions) -> list[str]:
    """The names of the fields the expressions refer to with F() (or a string argument)."""
    names = []
    for expression in expressions:
        if isinstance(expression, OuterRef | ResolvedOuterRef):
            continue
        if isinstance(expression, F):
            names.append(expression.name)
        elif hasattr(expression, "get_source_expressions"):
            names.extend(_field_paths(e for e in expression.get_source_expressions() if e is not None))
    return names


def _refers_outside(q: Q) -> bool:
    """Whether a value of ``q`` is an OuterRef."""
    for child in q.children:
        if isinstance(child, Q):
            if _refers_outside(child):
                return True
        elif isinstance(child, tuple) and isinstance(child[1], (OuterRef, ResolvedOuterRef)):
            return True
    return False


class DerivedCol(Col):
    """A column of the union computed in each tenant's SELECT (a pushed-down annotation).

    Its values are converted as the expression that computes them would convert them (``Trunc``
    makes dates of timestamps, for instance), not merely as its output field would.
    """

    source = None  # the expression, as resolved in the first tenant's SELECT

    def relabeled_clone(self, relabels):
        clone = super().relabeled_clone(relabels)
        clone.source = self.source
        return clone

    def get_db_converters(self, connection):
        if self.source is None:
            return super().get_db_converters(connection)
        return self.source.get_db_converters(connection)


def _derived_column(model, name: str, output_field: models.Field) -> models.Field:
    """A field standing for the derived table's column ``name``, of ``output_field``'s type."""
    if output_field.is_relation:
        field = _key_field(output_field.target_field)
    elif isinstance(output_field, AutoFieldMixin):
        field = _key_field(output_field)
    else:
        _, _, args, kwargs = output_field.deconstruct()
        kwargs.update(db_column=None, primary_key=False)
        field = type(output_field)(*args, **kwargs)
    field.set_attributes_from_name(name)
    field.model = model  # not added to the model: only names it, as expressions' identity wants
    return field
