"""``AbstractTenantUser``: the base of a per-tenant user model (each tenant its own users)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from tenancy.models import TenantModel


class TenantUserManager(BaseUserManager):
    """``create_user`` and ``create_superuser``, on a tenant's user class."""

    use_in_migrations = True

    def _create(self, username: str, email: str | None, password: str | None, **fields):
        if not username:
            raise ValueError("A username is required.")
        user = self.model(username=self.model.normalize_username(username), email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, username: str, email: str | None = None, password: str | None = None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(username, email, password, **fields)

    def create_superuser(self, username: str, email: str | None = None, password: str | None = None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        if fields["is_staff"] is not True or fields["is_superuser"] is not True:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return self._create(username, email, password, **fields)


class AbstractTenantUser(AbstractBaseUser, TenantModel):
    """A user of one tenant: subclass it (``class Member(AbstractTenantUser)``) and name the
    subclass in ``TENANCY_USER_MODEL``. The same username may exist at every tenant, each with
    its own password.

    Permissions: a superuser has them all; another user has those in ``user_permissions``
    (``auth.Permission`` rows, such as the tenant's own ``tenant_acme:shop.change_order``), which
    :class:`~tenancy.contrib.auth.backends.TenantBackend` also answers by the declared label
    (``user.has_perm("shop.change_order")``).
    """

    username = models.CharField(
        max_length=150,
        unique=True,
        validators=[UnicodeUsernameValidator()],
        error_messages={"unique": "A user with that username already exists."},
    )
    email = models.EmailField(blank=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Whether the user can log into the admin site.")
    is_superuser = models.BooleanField(default=False, help_text="Whether the user has every permission.")
    date_joined = models.DateTimeField(default=timezone.now)
    user_permissions = models.ManyToManyField("auth.Permission", blank=True, related_name="+")

    objects = TenantUserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    def _get_session_auth_hash(self, secret=None):
        # The tenant is part of the hash: a session can only ever authenticate this tenant's user.
        tenant = type(self)._tenancy_tenant
        key_salt = f"tenancy.contrib.auth.AbstractTenantUser:{tenant._state.db}:{tenant.pk}"
        return salted_hmac(key_salt, self.password, secret=secret, algorithm="sha256").hexdigest()

    def has_perm(self, perm: str, obj=None) -> bool:
        from .backends import TenantBackend

        return self.is_active and TenantBackend().has_perm(self, perm, obj)

    def has_perms(self, perm_list, obj=None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        from .backends import TenantBackend

        return self.is_active and TenantBackend().has_module_perms(self, app_label)
