"""The Python string distances give DuckDB's results (the scorer and Splink agree)."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lnob.dedup.engine.similarity import damerau_levenshtein, hamming, jaro_winkler

LETTERS = "กขคงสมชายิีุู่้์ab"
_con = duckdb.connect()


def duckdb_says(a: str, b: str) -> tuple[float, int]:
    row = _con.execute("SELECT jaro_winkler_similarity(?, ?), damerau_levenshtein(?, ?)",
                       [a, b, a, b]).fetchall()[0]
    return row[0], row[1]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=LETTERS, max_size=10), st.text(alphabet=LETTERS, max_size=10))
def test_same_as_duckdb(a: str, b: str) -> None:
    jw, dl = duckdb_says(a, b)
    assert jaro_winkler(a, b) == pytest.approx(jw, abs=1e-12)
    assert damerau_levenshtein(a, b) == dl


@pytest.mark.parametrize(("a", "b", "jw", "dl"), [
    ("martha", "marhta", 0.9611111111, 1), ("ca", "abc", 0.0, 2), ("", "", 0.0, 0),
    ("สมชาย", "สมชัย", 0.9066666667, 1),
])
def test_known_values(a: str, b: str, jw: float, dl: int) -> None:
    assert jaro_winkler(a, b) == pytest.approx(jw, abs=1e-9)
    assert damerau_levenshtein(a, b) == dl


def test_hamming() -> None:
    assert hamming("1234567890123", "1234567890132") == 2
    with pytest.raises(ValueError, match="equal length"):
        hamming("12", "123")
