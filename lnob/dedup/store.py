"""Each person's features and blocking keys, kept beside the registry.

A person saved through the registry services is indexed in the same transaction
(``persons_changed``); bulk writers (imports, the demo) index a whole province after
they commit. The batch run reads the stored features (``features_of_scope``) instead
of normalising everyone again, and intake looks candidates up by their keys.

Keys are stored as 64-bit hashes of "rule, key" (blake2b, the same in every process),
so that the key table stays narrow: about ten rows of two integers per person."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet

from lnob.core.bulk import TableWriter, bulk_load
from lnob.dedup.engine import PersonRecord, normalise_table, records_table
from lnob.dedup.engine.features import FEATURE_FIELDS, FEATURE_SCHEMA, keys_of
from lnob.dedup.engine.model import FEATURES_VERSION
from lnob.dedup.models import BlockingKey, Merge, PersonFeatures
from lnob.registry.models import Person

# The feature columns stored (record_id is the person's id).
STORED = tuple(f for f in FEATURE_FIELDS if f != "record_id")
_PERSON_VALUES = ("pk", "title", "first_name", "last_name", "sex", "birth_date",
                  "birth_year_only", "citizen_id", "phone", "subdistrict_id", "village_id",
                  "house_number", "version", "province_code")
CHUNK = 20_000


def _features_writer() -> TableWriter:  # made per call: it reads the connection vendor
    return TableWriter(PersonFeatures, ["person", "person_version", "features_version",
                                        "province_code", *STORED])


def _keys_writer() -> TableWriter:
    return TableWriter(BlockingKey, ["key", "person"])


def key_hash(rule: str, key: str) -> int:
    digest = hashlib.blake2b(f"{rule}\x1f{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def record_of(values: Mapping[str, Any] | Person) -> PersonRecord:
    """The engine's record of a person (a model instance or its values)."""
    get = values.get if isinstance(values, Mapping) else lambda name: getattr(values, name)
    sex = get("sex")
    return PersonRecord(
        record_id=str(get("pk") or ""), first_name=get("first_name") or "",
        last_name=get("last_name") or "", title=get("title") or "",
        sex=sex if sex in ("M", "F") else "", birth_date=get("birth_date"),
        birth_year_only=bool(get("birth_year_only")), citizen_id=get("citizen_id") or "",
        phone=get("phone") or "", subdistrict=get("subdistrict_id") or "",
        village=get("village_id") or "", house_number=get("house_number") or "")


def merged_away() -> QuerySet[Merge]:
    return Merge.objects.filter(undone_at=None)


def _chunks(ids: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


@transaction.atomic
def index_persons(ids: Iterable[int]) -> int:
    """Works out and stores the features and keys of these persons (a record merged
    into another is taken out instead). Returns how many were indexed."""
    wanted = sorted(set(ids))
    done = 0
    for chunk in _chunks(wanted):
        PersonFeatures.objects.filter(person_id__in=chunk).delete()
        BlockingKey.objects.filter(person_id__in=chunk).delete()
        away = set(merged_away().filter(merged_id__in=chunk).values_list("merged_id", flat=True))
        rows = [r for r in Person.objects.filter(pk__in=chunk).values(*_PERSON_VALUES)
                if r["pk"] not in away]
        if not rows:
            continue
        table = normalise_table(records_table([record_of(r) for r in rows]))
        columns = [table.column(name).to_pylist() for name in STORED]
        features: list[tuple[Any, ...]] = []
        keys: list[tuple[int, int]] = []
        for i, row in enumerate(rows):
            values = [column[i] for column in columns]
            features.append((row["pk"], row["version"], FEATURES_VERSION,
                             row["province_code"], *values))
            named = dict(zip(STORED, values, strict=True))
            keys.extend((key_hash(rule, key), row["pk"])
                        for rule, key in keys_of(named["cid"], named["first_fold"],
                                                 named["last_fold"], named["first_sound"],
                                                 named["last_sound"], named["dob_key"],
                                                 named["sd"]))
        keys.sort()  # in key order: the key index is written page by page, not at random
        with bulk_load():
            _features_writer().write(features)
            _keys_writer().write(keys)
        done += len(rows)
    return done


def unindex_person(person_id: int) -> None:
    PersonFeatures.objects.filter(person_id=person_id).delete()
    BlockingKey.objects.filter(person_id=person_id).delete()


def in_scope(qs: QuerySet[Any], scope_code: str, field: str = "province_code") -> QuerySet[Any]:
    return qs.filter(**{field: scope_code}) if scope_code else qs


def stale_ids(scope_code: str) -> list[int]:
    """Persons of the scope whose stored features are missing or out of date (not
    counting records merged into another)."""
    stale = (Q(dedup_features__isnull=True)
             | ~Q(dedup_features__person_version=F("version"))
             | ~Q(dedup_features__features_version=FEATURES_VERSION))
    return list(in_scope(Person.objects.filter(stale), scope_code)
                .exclude(pk__in=merged_away().values("merged_id"))
                .values_list("pk", flat=True))


def index_scope(scope_code: str) -> int:
    """Brings the features of a province ("" = the country) up to date."""
    return index_persons(stale_ids(scope_code))


def features_of_scope(scope_code: str, *, copy: bool | None = None) -> pa.Table:
    """The stored features of a province (or the country) as the engine's table
    (``FEATURE_SCHEMA``, ``rid`` numbering the rows). ``copy``: read them with COPY
    (PostgreSQL only; the default there)."""
    if copy is None:
        copy = connection.vendor == "postgresql"
    columns = _columns_by_copy(scope_code) if copy else _columns_by_query(scope_code)
    ids = columns.pop("person_id")
    arrays: dict[str, pa.Array] = {
        "rid": pa.array(range(len(ids)), type=pa.int64()),
        "record_id": pc.cast(ids, pa.string()) if isinstance(ids, pa.ChunkedArray)
        else pa.array([str(v) for v in ids], type=pa.string())}
    for name, values in columns.items():
        arrays[name] = (pc.cast(values, FEATURE_SCHEMA.field(name).type)
                        if isinstance(values, pa.ChunkedArray)
                        else pa.array(values, type=FEATURE_SCHEMA.field(name).type))
    return pa.table({name: arrays[name] for name in FEATURE_SCHEMA.names},
                    schema=FEATURE_SCHEMA)


def _columns_by_query(scope_code: str) -> dict[str, Any]:
    names = ["person_id", *STORED]
    columns: dict[str, list[Any]] = {n: [] for n in names}
    qs = in_scope(PersonFeatures.objects.all(), scope_code).order_by("person_id")
    for row in qs.values_list(*names).iterator(chunk_size=CHUNK):
        for name, value in zip(names, row, strict=True):
            columns[name].append(value)
    return columns


def _columns_by_copy(scope_code: str) -> dict[str, Any]:
    """PostgreSQL sends the rows as CSV (COPY) and Arrow parses them: several times
    faster than building a Python tuple per row. A NULL is an unquoted empty field,
    an empty text a quoted one."""
    names = ["person_id", *STORED]
    quote = connection.ops.quote_name
    table = quote(PersonFeatures._meta.db_table)
    where = "WHERE province_code = %s" if scope_code else ""
    sql = (f"COPY (SELECT {', '.join(quote(n) for n in names)} FROM {table} {where} "  # noqa: S608
           "ORDER BY person_id) TO STDOUT WITH (FORMAT csv)")
    with connection.cursor() as cursor, cursor.cursor.copy(
            sql, (scope_code,) if scope_code else None) as copy:
        data = b"".join(bytes(block) for block in copy)
    if not data:
        return {n: [] for n in names}
    types = {n: (pa.int64() if n == "person_id" else FEATURE_SCHEMA.field(n).type)
             for n in names}
    parsed = pacsv.read_csv(
        io.BytesIO(data), read_options=pacsv.ReadOptions(column_names=names),
        convert_options=pacsv.ConvertOptions(
            column_types=types, true_values=["t"], false_values=["f"], null_values=[""],
            strings_can_be_null=True, quoted_strings_can_be_null=False))
    return {n: parsed.column(n) for n in names}
