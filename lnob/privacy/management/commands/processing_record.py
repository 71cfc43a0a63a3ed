"""``lnob processing_record``: the record of processing activities (PDPA s.39)
as Markdown, generated from the models."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lnob.privacy.processing import record_markdown


class Command(BaseCommand):
    help = "Print the record of processing activities (PDPA s.39), generated from the models."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(record_markdown())
