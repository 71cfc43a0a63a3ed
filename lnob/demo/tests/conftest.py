from __future__ import annotations

from datetime import date

import pytest

from lnob.demo.writer import ProvinceReport, generate_province

SEED = 2549
TODAY = date(2026, 11, 6)
PROVINCE = "84"  # Surat Thani: 19 districts, 131 subdistricts
PERSONS = 300


@pytest.fixture
def surat(db: None) -> ProvinceReport:
    """A small synthetic Surat Thani written to the test database."""
    return generate_province(PROVINCE, PERSONS, seed=SEED, today=TODAY)
