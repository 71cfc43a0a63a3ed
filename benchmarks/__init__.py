"""Reproducible speed figures for LNOB (``make bench``). Not part of the test
suite: each figure is printed with a baseline measured in the same run."""
