"""A small synthetic Thai set, the shipped model and one batch run over the set, shared by
the engine's tests (no database)."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from lnob.dedup.engine.batch import DedupResult, find_duplicates
from lnob.dedup.engine.features import Features, normalise
from lnob.dedup.engine.model import Model
from lnob.dedup.engine.synthetic import SyntheticSet, synthetic_set

# Big enough for every kind of mistake to occur a few dozen times, small enough for
# a batch run in about a second.
PERSONS = 4_000
SEED = 2_568


@pytest.fixture(scope="session", autouse=True)
def _quiet_splink() -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)


@pytest.fixture(scope="session")
def model() -> Model:
    return Model.load()


@pytest.fixture(scope="session")
def data() -> SyntheticSet:
    return synthetic_set(PERSONS, seed=SEED)


@pytest.fixture(scope="session")
def feats(data: SyntheticSet) -> list[Features]:
    return [normalise(r) for r in data.records]


@pytest.fixture(scope="session")
def result(data: SyntheticSet, model: Model) -> DedupResult:
    return find_duplicates(data.records, model)


@pytest.fixture(scope="session")
def persons(data: SyntheticSet) -> np.ndarray:
    return np.array([row.person_id for row in data.rows], dtype=np.int64)
