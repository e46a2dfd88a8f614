"""``createtenantsuperuser``: a superuser among a tenant's own users (``TENANCY_USER_MODEL``)."""

from __future__ import annotations

import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core import exceptions
from django.core.management.base import BaseCommand, CommandError

from tenancy.contrib.auth.backends import tenant_user_model
from tenancy.management.arguments import add_database, add_noinput
from tenancy.utils import find_tenants


class Command(BaseCommand):
    help = (
        "Creates a superuser among a tenant's users (TENANCY_USER_MODEL). Asks for the username, e-mail and "
        "password, or takes --username/--email and DJANGO_SUPERUSER_PASSWORD with --noinput."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, metavar="KEY", help="The tenant's natural key or schema name.")
        parser.add_argument("--username", help="The superuser's username (or DJANGO_SUPERUSER_USERNAME).")
        parser.add_argument("--email", help="The superuser's e-mail address (or DJANGO_SUPERUSER_EMAIL).")
        add_noinput(
            parser, "Ask nothing; the password comes from DJANGO_SUPERUSER_PASSWORD (none: an unusable password)."
        )
        add_database(parser, "the tenant is stored in")

    def handle(self, *args, **options):
        (tenant,) = find_tenants(options["database"], [options["tenant"]])
        model = tenant_user_model(tenant)
        self.model = model
        username = options["username"] or os.environ.get("DJANGO_SUPERUSER_USERNAME")
        email = options["email"] or os.environ.get("DJANGO_SUPERUSER_EMAIL", "")
        if options["interactive"]:
            username = self.ask_username(username)
            email = email or input("Email address: ").strip()
            password = self.ask_password(model(username=username, email=email))
        else:
            if not username:
                raise CommandError("--username (or DJANGO_SUPERUSER_USERNAME) is required with --noinput.")
            self.check_username(username)
            password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        try:
            user = model._default_manager.create_superuser(username, email, password)
        except exceptions.ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"Superuser {user} created at tenant {tenant}.")

    def check_username(self, username: str) -> str:
        field = self.model._meta.get_field(self.model.USERNAME_FIELD)
        try:
            field.clean(username, None)
        except exceptions.ValidationError as error:
            raise CommandError(f"Username: {'; '.join(error.messages)}") from None
        if self.model._default_manager.filter(**{self.model.USERNAME_FIELD: username}).exists():
            raise CommandError(f"Username: {username!r} is already taken at this tenant.")
        return username

    def ask_username(self, given: str | None) -> str:
        while True:
            username = given or input("Username: ").strip()
            given = None
            try:
                return self.check_username(username)
            except CommandError as error:
                self.stderr.write(f"Error: {error}")

    def ask_password(self, user) -> str:
        while True:
            password = getpass.getpass()
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("Error: your passwords didn't match.")
                continue
            if not password.strip():
                self.stderr.write("Error: blank passwords aren't allowed.")
                continue
            try:
                validate_password(password, user)
            except exceptions.ValidationError as error:
                self.stderr.write("\n".join(error.messages))
                continue
            return password
