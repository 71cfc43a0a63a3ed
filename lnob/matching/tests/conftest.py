from lnob.cases.tests.conftest import need  # noqa: F401 — the case tests' fixture
