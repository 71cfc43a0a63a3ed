"""Every schema of the API has its own name: the OpenAPI document keeps one
class per name, so two classes of one name document the wrong shape."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from ninja import Schema

import lnob


def test_no_two_api_schemas_share_a_name() -> None:
    owners: dict[str, set[str]] = {}
    for info in pkgutil.walk_packages(lnob.__path__, "lnob."):
        if ".tests" in info.name or ".migrations" in info.name or info.name.endswith(
                ("conftest", "__main__", "wsgi", "cli")):
            continue
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, Schema) and obj.__module__ == info.name:
                owners.setdefault(obj.__name__, set()).add(f"{info.name}.{obj.__qualname__}")
    assert {name: where for name, where in owners.items() if len(where) > 1} == {}
    assert len(owners) > 50
