"""The ``lnob`` console command: Django's management commands under one name
(``lnob serve``, ``lnob demo``, ``lnob migrate`` …)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lnob.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
