#!/usr/bin/env python
"""The example project's manage.py: ``python manage.py migrate``, ``seed_demo``, ``runserver``...

The database is SQLite in ``example/db.sqlite3`` unless ``EXAMPLE_DATABASE_URL`` names another
one (see trackersite/settings.py).
"""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here))  # trackersite and tracker
    sys.path.append(str(here.parent))  # tenancy from the checkout, when it is not installed
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trackersite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
