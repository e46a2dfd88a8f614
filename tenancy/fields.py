"""Many-to-many relations from a tenant model to a global model.

Django reads such a relation from the target's side: ``order.groups.all()`` becomes
``Group.objects.filter(<reverse name>__order=...)``, which needs a reverse relation registered on
``Group``. Tenant classes register nothing on global models (that would tie every tenant's classes
to them), so their manager reads the tenant's own through table instead: a subquery for the
relation, and an extra join for ``prefetch_related``. Adding, removing and clearing already work
on the through table alone.
"""

from __future__ import annotations

import functools

from django.db import connections
from django.db.models.fields.related_descriptors import ManyToManyDescriptor


class GlobalManyRelatedManagerMixin:
    def _apply_rel_filters(self, queryset):
        queryset._add_hints(instance=self.instance)
        if self._db:
            queryset = queryset.using(self._db)
        targets = self.through._base_manager.using(queryset.db).filter(
            **{self.source_field.attname: self.related_val[0]}
        )
        target_field = self.target_field.target_field
        return queryset.filter(**{f"{target_field.attname}__in": targets.values(self.target_field.attname)})

    def get_prefetch_querysets(self, instances, querysets=None):
        if querysets and len(querysets) != 1:
            raise ValueError("querysets argument of get_prefetch_querysets() should have a length of 1.")
        queryset = querysets[0] if querysets else super().get_queryset()
        queryset._add_hints(instance=instances[0])
        queryset = queryset.using(queryset._db or self._db)
        connection = connections[queryset.db]
        qn = connection.ops.quote_name
        source, target = self.source_field, self.target_field
        through_table = qn(self.through._meta.db_table)
        target_table = qn(target.related_model._meta.db_table)
        keys = list({source.get_foreign_related_value(instance)[0] for instance in instances})
        queryset = queryset.extra(
            select={"_tenancy_source": f"{through_table}.{qn(source.column)}"},
            tables=[self.through._meta.db_table],
            where=[
                f"{through_table}.{qn(target.column)} = {target_table}.{qn(target.target_field.column)}",
                f"{through_table}.{qn(source.column)} IN ({', '.join(['%s'] * len(keys))})",
            ],
            params=[source.target_field.get_db_prep_value(key, connection) for key in keys],
        )
        return (
            queryset,
            lambda result: (source.target_field.get_db_prep_value(result._tenancy_source, connection),),
            lambda instance: tuple(
                f.get_db_prep_value(getattr(instance, f.attname), connection) for f in source.foreign_related_fields
            ),
            False,
            self.prefetch_cache_name,
            False,
        )


class GlobalManyToManyDescriptor(ManyToManyDescriptor):
    @functools.cached_property
    def related_manager_cls(self):
        manager_cls = super().related_manager_cls
        return type(manager_cls.__name__, (GlobalManyRelatedManagerMixin, manager_cls), {})


@functools.cache
def global_many_to_many_class(field_class: type) -> type:
    """A subclass of ``field_class`` (a ManyToManyField) whose forward manager reads the through table."""

    def contribute_to_class(self, cls, name, **kwargs):
        field_class.contribute_to_class(self, cls, name, **kwargs)
        setattr(cls, self.name, GlobalManyToManyDescriptor(self.remote_field, reverse=False))

    return type(field_class.__name__, (field_class,), {"contribute_to_class": contribute_to_class})
