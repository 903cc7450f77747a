#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wirfunding.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        # Load the settings now: Django would otherwise swallow a configuration error here and
        # fail later with a misleading "Models aren't loaded yet".
        settings.INSTALLED_APPS  # noqa: B018
    except ImproperlyConfigured as error:
        sys.stderr.write(f"Konfigurationsfehler: {error}\n")
        sys.exit(2)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
