"""API: forums."""

from ninja import Router

router = Router(tags=["forums"])
