"""Signals between apps: writers say which areas changed, readers (the
coverage roll-ups) bring their figures up to date. Sent inside the writer's
transaction; receivers that must see committed data use on_commit."""

from django.dispatch import Signal

# Sent with ``codes``: the subdistrict codes (6 digits) whose figures changed.
areas_changed = Signal()
