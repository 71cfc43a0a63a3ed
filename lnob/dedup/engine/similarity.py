"""String distances with exactly DuckDB's results (the Splink comparisons use DuckDB's;
the single-record scorer uses these). Characters are Unicode code points, as in DuckDB."""

from __future__ import annotations

__all__ = ["damerau_levenshtein", "hamming", "jaro_winkler"]


def hamming(a: str, b: str) -> int:
    """Positions that differ; strings of equal length only (DuckDB refuses others)."""
    if len(a) != len(b):
        raise ValueError("hamming() needs strings of equal length")
    return sum(x != y for x, y in zip(a, b, strict=True))


def damerau_levenshtein(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap neighbours) from ``a`` to ``b``, with
    unrestricted transpositions (``ca`` → ``abc`` is 2), as DuckDB."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if not la or not lb:
        return la or lb
    big = la + lb
    last_row: dict[str, int] = {}
    d = [[0] * (lb + 2) for _ in range(la + 2)]
    d[0][0] = big
    for i in range(la + 1):
        d[i + 1][0] = big
        d[i + 1][1] = i
    for j in range(lb + 1):
        d[0][j + 1] = big
        d[1][j + 1] = j
    for i in range(1, la + 1):
        last_match_col = 0
        ca = a[i - 1]
        for j in range(1, lb + 1):
            cb = b[j - 1]
            k = last_row.get(cb, 0)
            l_ = last_match_col
            cost = 0 if ca == cb else 1
            if cost == 0:
                last_match_col = j
            d[i + 1][j + 1] = min(
                d[i][j] + cost,
                d[i + 1][j] + 1,
                d[i][j + 1] + 1,
                d[k][l_] + (i - k - 1) + 1 + (j - l_ - 1),
            )
        last_row[ca] = i
    return d[la + 1][lb + 1]


def jaro_winkler(a: str, b: str) -> float:
    """Jaro–Winkler similarity (prefix of up to 4, scale 0.1, boost above 0.7)."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    window = max(0, max(la, lb) // 2 - 1)
    a_flags = [False] * la
    b_flags = [False] * lb
    matches = 0
    for i, ch in enumerate(a):
        lo, hi = max(0, i - window), min(lb, i + window + 1)
        for j in range(lo, hi):
            if not b_flags[j] and b[j] == ch:
                a_flags[i] = b_flags[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    transpositions = 0
    j = 0
    for i in range(la):
        if a_flags[i]:
            while not b_flags[j]:
                j += 1
            if a[i] != b[j]:
                transpositions += 1
            j += 1
    m = float(matches)
    # Half the transpositions, rounded down — as DuckDB (rapidfuzz) counts them.
    jaro = (m / la + m / lb + (m - transpositions // 2) / m) / 3
    if jaro <= 0.7:
        return jaro
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)
