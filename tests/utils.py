from django.db import connection


def tables(schema=None):
    """The tenant tables that exist right now, as the catalog lists them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables "
                "WHERE table_schema LIKE 'tenant\\_%%'"
            )
            names = {row[0] for row in cursor.fetchall()}
        else:
            names = {name for name in connection.introspection.table_names(cursor) if name.startswith("tenant_")}
    if schema is None:
        return names
    return {name for name in names if name.startswith(schema + (".", "_")[connection.vendor != "postgresql"])}


def schema_exists(schema):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
            return cursor.fetchone() is not None
    return bool(tables(schema))
