"""API: transfers."""

from ninja import Router

router = Router(tags=["transfers"])
