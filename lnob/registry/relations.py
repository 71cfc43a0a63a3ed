"""Models of other apps that the registry reaches through its own foreign
keys, never by importing them: the networks app sits a layer above
(docs/architecture.md), and ``Person.source_network`` is a string FK to it."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Model

from lnob.registry.models import Person


def network_model() -> type[Any]:
    """The reporting network's model (``networks.Network``), through the FK."""
    return cast(type[Model], Person._meta.get_field("source_network").related_model)
