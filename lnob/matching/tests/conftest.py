from lnob.testing.cases import need  # noqa: F401  (a shared fixture)
