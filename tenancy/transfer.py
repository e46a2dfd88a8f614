"""A tenant's data as a file: export one tenant, import it as a new tenant (here or in another
database), clone a tenant.

An export is a JSON document::

    {"format": "tenancy-tenant/1", "tenant": {"name": "acme", ...}, "records": [...dumpdata records...]}

``records`` are what ``dumpdata`` writes for every tenant model, under the declared labels
(``shop.order``), with natural foreign keys, so that content types name models
(``["shop", "product"]``) rather than ids of the source tenant's rows, and global rows with a
natural key (users) are found by it in the target database. Importing creates the tenant and
loads the records in one transaction (PostgreSQL, SQLite): if anything fails, no tenant, schema or
row is left. MySQL and MariaDB cannot roll DDL back: there a failed import deletes the tenant it
made. The source is only read.
"""

from __future__ import annotations

import json
import os
import tempfile
from io import StringIO
from typing import Any, TextIO

from django.core.management import call_command
from django.core.serializers.base import deserialize_fk_value
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction

from .base import declared_models
from .management.scope import forget_loaddata_commands, tenant_scope
from .utils import get_tenant_model

FORMAT = "tenancy-tenant/1"


def tenant_fields(tenant) -> dict[str, Any]:
    """The tenant's own field values (primary key excluded), as an export records them: a foreign
    key to a row with a natural key (``Plan.natural_key()``) by that key, under the field's name
    (``"plan": ["pro"]``), found again where the export is imported; any other by the row's key."""
    values = {}
    for field in tenant._meta.concrete_fields:
        if field.primary_key:
            continue
        value = field.value_from_object(tenant)
        if field.remote_field is not None and value is not None and _has_natural_key(field):
            values[field.name] = list(getattr(tenant, field.name).natural_key())
        else:
            values[field.attname] = value
    return values


def _has_natural_key(field) -> bool:
    target = field.remote_field.model
    return hasattr(target, "natural_key") and hasattr(target._default_manager, "get_by_natural_key")


def _resolve_natural_keys(model, values: dict, using: str) -> dict:
    """``values`` of an export's tenant with each foreign key given by natural key replaced by the
    key of that row in database ``using``; ValueError when the row is not there."""
    values = dict(values)
    for field in model._meta.concrete_fields:
        if field.remote_field is None or not isinstance(values.get(field.name), list):
            continue
        key = values.pop(field.name)
        try:  # as loaddata reads a natural foreign key
            values[field.attname] = deserialize_fk_value(field, key, using, handle_forward_references=False)
        except field.remote_field.model.DoesNotExist:
            raise ValueError(
                f"The tenant's {field.verbose_name} {key!r} is not in database {using!r}: create it, "
                f"or give --{field.name.replace('_', '-')}."
            ) from None
    return values


def export_tenant(tenant, out: TextIO) -> int:
    """Write ``tenant`` and all its rows to ``out`` as JSON; return the number of records."""
    labels = [model._meta.label for model in declared_models if not model._meta.proxy]
    dump = StringIO()
    with tenant_scope(tenant):
        call_command("dumpdata", *labels, natural_foreign=True, database=tenant._state.db, stdout=dump, verbosity=0)
    records = json.loads(dump.getvalue())
    json.dump({"format": FORMAT, "tenant": tenant_fields(tenant), "records": records}, out, cls=DjangoJSONEncoder)
    return len(records)


def import_tenant(source: TextIO, using: str | None = None, **fields: Any):
    """Create a tenant from an export in ``source``, its fields overridden by ``fields``; return it."""
    payload = json.load(source)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValueError(f"Not a tenancy tenant export (format {FORMAT!r}).")
    model = get_tenant_model()
    using = using or router.db_for_write(model)
    given = {model._meta.get_field(name).name for name in fields}  # plan_id given: the file's plan is not needed
    exported = {
        name: value for name, value in payload["tenant"].items() if model._meta.get_field(name).name not in given
    }
    tenant = model(**_resolve_natural_keys(model, exported, using), **fields)
    connection = connections[using]
    if connection.features.can_rollback_ddl:
        try:
            with transaction.atomic(using=using):
                tenant.save(using=using)
                _load(tenant, payload["records"], using)
        except BaseException:
            if not connection.in_atomic_block:
                # Django keeps the last error of a transaction on the connection, and with it the
                # classes of the tenant that was never made: the transaction is over, let them go.
                connection.rollback_exc = None
            raise
        return tenant
    tenant.save(using=using)
    try:
        _load(tenant, payload["records"], using)
    except BaseException:
        tenant.delete(using=using)
        raise
    return tenant


def clone_tenant(source_tenant, using: str | None = None, **fields: Any):
    """A new tenant with ``fields`` (its natural key, at least) and a copy of ``source_tenant``'s rows."""
    buffer = StringIO()
    export_tenant(source_tenant, buffer)
    buffer.seek(0)
    return import_tenant(buffer, using=using or source_tenant._state.db, **fields)


def _load(tenant, records: list, using: str) -> None:
    if not records:
        return
    handle, path = tempfile.mkstemp(suffix=".json", prefix="tenancy-import-")
    try:
        with os.fdopen(handle, "w") as file:
            json.dump(records, file, cls=DjangoJSONEncoder)
        with tenant_scope(tenant):
            call_command("loaddata", path, database=using, verbosity=0)
    finally:
        os.unlink(path)
        forget_loaddata_commands()
