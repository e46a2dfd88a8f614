"""Set the served project's database up: ``python -m tests.served.prepare TENANTS SEEDS``.

Migrates the database named by ``SERVED_DATABASE_URL``, creates the tenants ``shop00``,
``shop01``... and gives each ``SEEDS`` rows marked with its name (``shop07/seed-0``...), all
committed, since the servers that read them are other processes. Prints the tenants' names as
a JSON list.
"""

from __future__ import annotations

import json
import os
import sys


def tenant_names(count: int) -> list[str]:
    """The names of the first ``count`` tenants: shop00, shop01..."""
    return [f"shop{number:02d}" for number in range(count)]


def seed_labels(count: int) -> list[str]:
    """The labels of the ``count`` rows each tenant is given: seed-0, seed-1..."""
    return [f"seed-{number}" for number in range(count)]


def prepare(tenants: int, seeds: int) -> list[str]:
    from django.core.management import call_command

    from tests.served.views import marked
    from tests.shop.models import Customer, Product

    call_command("migrate", verbosity=0)
    names = tenant_names(tenants)
    for name in names:
        tenant = Customer.objects.create(name=name)
        products = Product.for_tenant(tenant)
        products.objects.bulk_create(products(name=marked(tenant, label)) for label in seed_labels(seeds))
    return names


def main(argv: list[str]) -> None:
    import django

    if len(argv) != 2 or not all(arg.isdigit() for arg in argv):
        raise SystemExit("usage: python -m tests.served.prepare TENANTS SEEDS  (two counts)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.served.settings")
    django.setup()
    tenants, seeds = (int(arg) for arg in argv)
    print(json.dumps(prepare(tenants, seeds)))


if __name__ == "__main__":
    main(sys.argv[1:])
