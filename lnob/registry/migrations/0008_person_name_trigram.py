"""A trigram index for the name search on PostgreSQL (issue 21).

The search asks for persons whose ``name_key`` *contains* the words typed
(``LIKE '%ใจดี%'``): a b-tree on (area, name_key) can only be walked whole,
so every search read all the persons of the province, twice (the count and
the page): 15 ms of the database's CPU for 20,600 persons, and a
province of 200,000 would take ten times that. ``pg_trgm``'s GIN index
answers ``LIKE '%…%'`` of three or more letters from the index; the area
filter is applied to the few rows found. See
docs/decisions/0038-name-search-trigram-index.md.

``pg_trgm`` is a trusted extension (PostgreSQL 13+): the database's owner
may create it without being a superuser. A role that may not create it gets
a warning and no index: the search still answers, as before, by a scan.
SQLite has no such index and keeps the scan (its databases are the demo's).
"""

import warnings

from django.db import migrations

INDEX = "person_name_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            try:
                cursor.execute("SAVEPOINT lnob_trgm")
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute("RELEASE SAVEPOINT lnob_trgm")
            except Exception as err:  # noqa: BLE001 — any refusal: no index, a warning
                cursor.execute("ROLLBACK TO SAVEPOINT lnob_trgm")
                warnings.warn(f"pg_trgm could not be created ({err}); the name search "
                              "scans the area instead of using an index. Ask the "
                              "database's administrator to run CREATE EXTENSION pg_trgm, "
                              f"then CREATE INDEX {INDEX} ON registry_person USING gin "
                              "(name_key gin_trgm_ops).", stacklevel=1)
                return
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON registry_person "
                       "USING gin (name_key gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0007_citizen_id_problem_indexes'),
    ]

    operations = [migrations.RunPython(create, drop)]
