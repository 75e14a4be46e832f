"""The fast path for inserting many new rows, behind one function.

Django's ``bulk_create`` prepares every value through every field's machinery,
which dominates a million-row import. Here values are prepared once per type:
PostgreSQL gets a ``COPY … FROM STDIN`` (the fastest way in), SQLite an
``executemany`` of one prepared INSERT. Primary keys are not returned; callers
that need them look the rows up by a natural key.
"""

from decimal import Decimal

from django.db import connection, models


def _converter(field):
    """A function preparing one field's values, or None where the driver takes them as they are."""
    ops = connection.ops  # resolved once: the connection proxy is a thread-local lookup
    if isinstance(field, models.DateTimeField):
        adapt = ops.adapt_datetimefield_value
    elif isinstance(field, models.DateField):
        adapt = ops.adapt_datefield_value
    elif isinstance(field, models.DecimalField) and connection.vendor == "sqlite":
        adapt = lambda v: str(Decimal(v))  # noqa: E731
    else:
        return None
    seen: dict = {}  # a batch repeats the same timestamps and dates

    def convert(value):
        if value is None:
            return None
        try:
            return seen[value]
        except KeyError:
            if len(seen) > 10000:
                seen.clear()
            seen[value] = result = adapt(value)
            return result

    return convert


def insert_rows(model, objs, fields: list[str]) -> int:
    """Insert ``objs`` (unsaved instances) writing only ``fields``; returns the count."""
    objs = list(objs)
    if not objs:
        return 0
    meta = model._meta
    concrete = [meta.get_field(name) for name in fields]
    attnames = [f.attname for f in concrete]
    converters = [_converter(f) for f in concrete]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(f.column) for f in concrete)

    def rows():
        for obj in objs:
            yield tuple(
                conv(getattr(obj, name)) if conv else getattr(obj, name)
                for name, conv in zip(attnames, converters, strict=True)
            )

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(concrete))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from the ORM
            cursor.executemany(sql, list(rows()))
    return len(objs)


def update_column(model, field_name: str, pairs: list[tuple]) -> int:
    """Set one column on many rows: ``pairs`` of (primary key, new value).

    One prepared UPDATE executed for every pair, instead of bulk_update's
    CASE expression, which Django builds slowly for thousands of rows.
    """
    if not pairs:
        return 0
    meta = model._meta
    field = meta.get_field(field_name)
    quote = connection.ops.quote_name
    sql = f"UPDATE {quote(meta.db_table)} SET {quote(field.column)} = %s WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    conv = _converter(field)
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(conv(v) if conv else v, pk) for pk, v in pairs])
    return len(pairs)
