"""``AbstractTenant``: the base of tenant models, and their lifecycle.

Saving a new tenant validates its schema name, inserts its row and creates its schema and tables
(or, on PostgreSQL with ``TENANCY_POOL_SIZE``, takes a prepared schema from :mod:`tenancy.pool`),
all in one transaction. Deleting a tenant (an instance, a queryset, or a cascade) drops them in
the transaction that deletes the row.
"""

from __future__ import annotations

from contextlib import nullcontext
from functools import partial

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models.signals import class_prepared, post_delete

from . import naming
from .conf import settings
from .contenttypes import create_tenant_content_types, delete_tenant_content_types
from .registry import TenantModels, cache, models_of
from .schema import create_schema, drop_schema, schema_in_use


class TenantQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Create the tenants in one INSERT, then provision each of them.

        With transactional DDL it all happens in one transaction; elsewhere a failure drops the
        tables made so far and deletes the rows.
        """
        objs = list(objs)
        transactional = connections[self.db].features.can_rollback_ddl
        if not transactional:
            _refuse_atomic(self.db)
        with transaction.atomic(using=self.db) if transactional else nullcontext():
            schemas = set()
            for obj in objs:
                obj.validate_schema(self.db)
                if obj.db_schema in schemas:
                    raise ValidationError(
                        "Two of the new tenants would share the schema %(schema)r.",
                        code="schema_in_use",
                        params={"schema": obj.db_schema},
                    )
                schemas.add(obj.db_schema)
            created = super().bulk_create(objs, *args, **kwargs)
            try:
                for obj in created:
                    if obj.pk is None:
                        raise ValidationError(
                            f"{connections[self.db].display_name} did not return the primary keys of the "
                            "new tenants, so their schemas cannot be created: save them one by one."
                        )
                    obj._provision(self.db)
            except BaseException:
                if not transactional:
                    for obj in created:
                        obj._undo_creation(self.db)
                raise
            _routing_changed(self.db)  # no post_save was sent: tell the routing caches
        return created

    def get_or_create(self, defaults=None, **kwargs):
        if connections[self.db].features.can_rollback_ddl:
            return super().get_or_create(defaults, **kwargs)
        # QuerySet.get_or_create() creates inside atomic(), where these backends cannot run DDL.
        try:
            return self.get(**kwargs), False
        except self.model.DoesNotExist:
            params = self._extract_model_params(defaults, **kwargs)
            try:
                return self.create(**params), True
            except (IntegrityError, ValidationError):
                try:
                    return self.get(**kwargs), False
                except self.model.DoesNotExist:
                    pass
                raise

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        if connections[self.db].features.can_rollback_ddl or self.filter(**kwargs).exists():
            return super().update_or_create(defaults, create_defaults, **kwargs)
        # Creating: outside atomic(), as get_or_create() above.
        return self.get_or_create(create_defaults if create_defaults is not None else defaults, **kwargs)

    def update(self, **kwargs):
        """Update the rows, refusing (and rolling back) a change that would move a tenant's schema."""
        with transaction.atomic(using=self.db):
            before = {tenant.pk: tenant.db_schema for tenant in self}
            count = super().update(**kwargs)
            for tenant in self.model._base_manager.using(self.db).filter(pk__in=before):
                if tenant.db_schema != before[tenant.pk]:
                    raise ValidationError(
                        "This update would move %(tenant)r from schema %(old)r to %(new)r; tenancy does not "
                        "rename schemas. Keep the natural key unchanged.",
                        code="schema_changed",
                        params={"tenant": tenant, "old": before[tenant.pk], "new": tenant.db_schema},
                    )
            if count:
                _routing_changed(self.db)  # a routing field may have changed, and no post_save was sent
        return count

    update.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj._check_schema_unchanged()
        count = super().bulk_update(objs, fields, *args, **kwargs)
        if count:
            _routing_changed(self.db)
        return count


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    pass


class AbstractTenant(models.Model):
    """Base class of the tenant model named by ``TENANCY_TENANT_MODEL``.

    A subclass defines ``natural_key()``; the tenant's schema name (or table prefix) is
    ``TENANCY_SCHEMA_PREFIX`` followed by the natural key's parts joined with ``_``. Override the
    ``db_schema`` property to name it differently.
    """

    objects = TenantManager()

    class Meta:
        abstract = True

    def natural_key(self) -> tuple:
        """The values that identify this tenant; its schema name is made of them. Subclasses define it."""
        raise NotImplementedError(
            f"{type(self).__name__} must define natural_key(): tenancy derives the tenant's schema from it."
        )

    @property
    def db_schema(self) -> str:
        """The tenant's PostgreSQL schema, or its table prefix on other backends."""
        parts = (str(part).lower().replace("-", "_") for part in self.natural_key())
        return settings.TENANCY_SCHEMA_PREFIX + "_".join(parts)

    @property
    def models(self) -> TenantModels:
        """This tenant's model classes: ``tenant.models[Order]``; iterate for all of them."""
        entry = getattr(self, "_tenancy_entry", None)
        if entry is not None and entry.classes:
            return entry
        return models_of(self)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Kept (not copied, nor turned into a schema name: loading must stay cheap) to tell which
        # schema the row had, should a save try to move it.
        instance._tenancy_loaded = (field_names, values)
        return instance

    def validate_schema(self, using: str | None = None) -> None:
        """Raise ValidationError unless this new tenant's schema name is valid and free."""
        using = using or router.db_for_write(type(self), instance=self)
        connection = connections[using]
        from .factory import tenant_tables

        if any(part is None or str(part) == "" for part in self.natural_key()):
            raise ValidationError(
                "%(model)s's natural key %(key)r has an empty part: the tenant's schema name is made of it.",
                code="empty_natural_key",
                params={"model": type(self).__name__, "key": self.natural_key()},
            )
        schema = self.db_schema
        naming.validate_schema_name(connection, schema, tenant_tables(connection))
        if schema_in_use(using, schema):
            raise ValidationError(
                "The schema %(schema)r is already in use, by another tenant or by something else in "
                "the database. Tenants whose natural keys differ only by case or by '-' against '_' "
                "share a schema name: choose a different key.",
                code="schema_in_use",
                params={"schema": schema},
            )

    def validate_unique(self, exclude=None, *, rename: bool = False) -> None:
        """Django's checks of unique fields, and of the schema name, so that a ModelForm reports them.

        A new tenant's schema name must be valid and free (:meth:`validate_schema`). An existing
        tenant's must not change, as :meth:`save` never moves a schema; with ``rename=True`` (a
        form that renames with :func:`~tenancy.rename.rename_tenant`, as the admin's
        :class:`~tenancy.contrib.admin.TenantAdmin` does) it may, to a valid and free one.
        """
        super().validate_unique(exclude)
        if not self._state.adding and not rename:
            self._check_schema_unchanged()
        elif self._state.adding or self._stored_schema() not in (None, self.db_schema):
            self.validate_schema(self._state.db)

    def _stored_schema(self) -> str | None:
        """The schema of this tenant as saved, known from when it was created or loaded."""
        loaded = getattr(self, "_tenancy_loaded", None)
        if loaded is None:
            return getattr(self, "_tenancy_schema", None)
        return type(self).from_db(self._state.db, *loaded).db_schema

    def _validate_unique_in(self, using: str) -> None:
        """Model.validate_unique(), against the database the tenant is being saved to.

        Django's own checks query the database its routers pick for the model, which is not
        ``using`` when tenants are saved to another database.
        """
        unique_checks, _ = self._get_unique_checks()
        errors: dict[str, list] = {}
        for model_class, fields in unique_checks:
            lookup = {name: getattr(self, self._meta.get_field(name).attname) for name in fields}
            if any(value is None for value in lookup.values()):
                continue
            rows = model_class._base_manager.using(using).filter(**lookup)
            if not self._state.adding:
                rows = rows.exclude(pk=self.pk)
            if rows.exists():
                key = fields[0] if len(fields) == 1 else NON_FIELD_ERRORS
                errors.setdefault(key, []).append(self.unique_error_message(model_class, fields))
        if errors:
            raise ValidationError(errors)

    def _check_schema_unchanged(self) -> None:
        old = self._stored_schema()
        if old and old != self.db_schema:
            raise ValidationError(
                "Saving %(tenant)r would move it from schema %(old)r to %(new)r, which saving never does: "
                "keep the natural key unchanged, or rename the tenant (rename_tenant(), renametenant).",
                code="schema_changed",
                params={"tenant": self, "old": old, "new": self.db_schema},
            )

    def save(self, *args, using=None, **kwargs):
        """Save the tenant; a new one also gets its schema and tables.

        A new tenant is checked first (unique fields, then its schema name, which must be a valid
        identifier not used by anything else), and raises ValidationError without writing anything
        when a check fails. Row and schema are created in one transaction with PostgreSQL and
        SQLite; MySQL and MariaDB cannot roll DDL back, so there the tenant is created outside any
        transaction and a failure is undone by dropping what was made. Saving an existing tenant
        never touches its schema, and refuses a change of natural key that would move it.
        """
        using = using or router.db_for_write(type(self), instance=self)
        if not self._state.adding:
            self._check_schema_unchanged()
            return super().save(*args, using=using, **kwargs)
        pk = self.pk
        try:
            if connections[using].features.can_rollback_ddl:
                with transaction.atomic(using=using):
                    self._validate_unique_in(using)
                    self.validate_schema(using)
                    super().save(*args, using=using, **kwargs)
                    self._provision(using)
            else:
                self._create_without_transactional_ddl(using, *args, **kwargs)
        except BaseException:
            self.pk, self._state.adding = pk, True
            cache.forget(using, self.db_schema)
            raise

    save.alters_data = True

    def _create_without_transactional_ddl(self, using: str, *args, **kwargs) -> None:
        """Create the tenant where DDL commits on its own (MySQL, MariaDB).

        A transaction cannot undo CREATE TABLE there, so the tenant is created in autocommit mode
        and a failure is undone by hand: the tables made so far are dropped and the row deleted.
        """
        _refuse_atomic(using)
        self._validate_unique_in(using)
        self.validate_schema(using)
        super().save(*args, using=using, **kwargs)
        try:
            self._provision(using)
        except BaseException:
            self._undo_creation(using)
            raise

    def _undo_creation(self, using: str) -> None:
        drop_schema(self, using, send_signals=False)
        delete_tenant_content_types(self.db_schema, using)
        type(self)._base_manager.using(using).filter(pk=self.pk)._raw_delete(using)

    def _provision(self, using: str) -> None:
        cache.forget(using, self.db_schema)  # never reuse classes of an earlier tenant of that name
        cache.deleted.discard((using, self.db_schema, self.pk))
        if not create_schema(self, using):  # a schema from the pool has its recorder rows already
            _record_latest_migrations(self.db_schema, using)
        create_tenant_content_types(self, using)
        self._tenancy_schema = self.db_schema

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_tenancy_classes", None)
        state.pop("_tenancy_entry", None)
        return state


def _routing_changed(using: str) -> None:
    """Tenants changed without their save signals: every process forgets what it routed by them."""
    from . import invalidation

    invalidation.changed(using)


def _record_latest_migrations(schema: str, using: str) -> None:
    """Record a new tenant as having every tenant migration: it was created at the latest state."""
    from .tenant_migrations import classify, recorder

    recorder.record_applied(connections[using], schema, list(classify.latest_tenant_migrations()))


def _refuse_atomic(using: str) -> None:
    connection = connections[using]
    if connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            f"{connection.display_name} cannot roll back CREATE TABLE, and would commit the "
            "surrounding transaction to run it: create tenants outside transaction.atomic()."
        )


def _drop_deleted_tenant(sender, instance, using, **kwargs):
    schema = instance.db_schema
    if connections[using].features.can_rollback_ddl:
        _drop_tables_and_content_types(instance, using)
    else:
        # DROP TABLE would commit the transaction deleting the row: drop once that has committed.
        transaction.on_commit(partial(_drop_tables_and_content_types, instance, using), using=using)
    transaction.on_commit(partial(cache.forget, using, schema, deleted_pk=instance.pk), using=using)


def _drop_tables_and_content_types(tenant, using: str) -> None:
    # Tables first: once they are gone, no row points at the content types any more.
    from .tenant_migrations import recorder

    drop_schema(tenant, using)
    recorder.forget(connections[using], tenant.db_schema)
    delete_tenant_content_types(tenant.db_schema, using)


def _connect_tenant_model(sender, **kwargs):
    if issubclass(sender, AbstractTenant) and not sender._meta.abstract:
        uid = f"tenancy:{sender._meta.label}"
        post_delete.connect(_drop_deleted_tenant, sender=sender, weak=False, dispatch_uid=uid)


class_prepared.connect(_connect_tenant_model, dispatch_uid="tenancy:connect_tenant_model")
