from django.core.management.commands.makemigrations import Command as DjangoMakemigrations

from tenancy.tenant_migrations.autodetector import TenantAutodetector


class Command(DjangoMakemigrations):
    """Django's makemigrations, which also writes the migrations of tenant models."""

    autodetector = TenantAutodetector
