"""Two SQL functions that let PostgreSQL carry a subdistrict's change up to
its district, province and the nation in the UPDATE itself, without sending
the areas' histograms to Python and back (``lnob.coverage.rollup``):

- ``coverage_histogram_add(a, b)``: ``{key: count}`` histograms added key by
  key, keys whose sum is 0 left out (``rollup.accumulate`` in SQL);
- ``coverage_histogram_median(h)``: the median of a histogram of whole
  numbers (``histograms.median`` in SQL).

SQLite keeps doing both in Python (its refresh has no round trips to save).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION coverage_histogram_add(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(jsonb_object_agg(key, total), '{}'::jsonb)
  FROM (SELECT key, sum(value::bigint) AS total
        FROM (SELECT key, value FROM jsonb_each_text(coalesce(a, '{}'::jsonb))
              UNION ALL
              SELECT key, value FROM jsonb_each_text(coalesce(b, '{}'::jsonb))) AS parts
        GROUP BY key
        HAVING sum(value::bigint) <> 0) AS sums
$$;

CREATE OR REPLACE FUNCTION coverage_histogram_median(h jsonb) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  WITH counts AS (SELECT key::bigint AS k, value::bigint AS n
                  FROM jsonb_each_text(coalesce(h, '{}'::jsonb)) WHERE value::bigint > 0),
       running AS (SELECT k, sum(n) OVER (ORDER BY k) AS upto, sum(n) OVER () AS total
                   FROM counts)
  SELECT ((min(k) FILTER (WHERE upto > (total - 1) / 2))
          + (min(k) FILTER (WHERE upto > total / 2)))::double precision / 2
  FROM running
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS coverage_histogram_median(jsonb);
DROP FUNCTION IF EXISTS coverage_histogram_add(jsonb, jsonb);
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('coverage', '0004_search_rounds'),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
