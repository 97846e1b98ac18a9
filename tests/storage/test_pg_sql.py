"""The shared SQL, translated for PostgreSQL (storage/pg_sql.py)."""

from __future__ import annotations

from storage.pg_sql import translate


def test_parameters_are_numbered_once_each_and_cast_to_their_values_type() -> None:
    sql, args = translate(
        "SELECT * FROM r WHERE a = :user AND note = :note AND b = :user AND c = ':user'",
        {"user": 7, "note": "hi"},
    )
    assert sql == (
        "SELECT * FROM r WHERE a = $1::bigint AND note = $2::text AND b = $1::bigint"
        " AND c = ':user'"
    )
    assert args == [7, "hi"]
    sql, args = translate("UPDATE t SET x = ?, y = ? WHERE z = ?", (True, None, 1.5))
    assert sql == "UPDATE t SET x = $1::bigint, y = $2 WHERE z = $3::float8"
    assert args == [1, None, 1.5]


def test_the_spellings_sqlite_and_postgresql_disagree_on() -> None:
    assert translate("SELECT 1 WHERE following IS ?", (None,))[0] == (
        "SELECT 1 WHERE following IS NOT DISTINCT FROM $1"
    )
    assert translate("SELECT group_concat(kind) FROM x")[0] == "SELECT string_agg(kind, ',') FROM x"
    assert translate("UPDATE d SET m = json_insert(m, '$[#]', ?)", ("5",))[0] == (
        "UPDATE d SET m = ((m::jsonb || to_jsonb($1::text))::text)"
    )
    assert translate("SELECT x::text FROM y")[0] == "SELECT x::text FROM y"
