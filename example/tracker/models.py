"""The tracker's models.

``Organization`` is the tenant model: a global model, one row per organization, whose slug is
its subdomain (``acme.localhost``). Every other model is a tenant model: each organization has
its own ``Member``, ``Project``, ``Label``, ``Ticket`` and ``Comment`` classes, with tables of its
own (the schema ``tenant_acme`` on PostgreSQL, the prefix ``tenant_acme_`` on SQLite).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connections, models, router, transaction
from django.urls import reverse

from tenancy.contrib.auth.models import AbstractTenantUser
from tenancy.models import AbstractTenant, TenantManager, TenantModel

# A subdomain is a DNS label: lowercase letters, digits and inner hyphens.
validate_subdomain = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\Z",
    "Use lowercase letters, digits and hyphens, starting and ending with a letter or a digit.",
    code="invalid_subdomain",
)
RESERVED_SLUGS = {"www", "admin", "api", "static", "mail", "help"}


def validate_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError("%(slug)s is reserved.", code="reserved", params={"slug": value})


class OrganizationManager(TenantManager):
    def create_with_owner(self, *, name: str, slug: str, username: str, email: str, password: str):
        """A new organization, with its schema and tables, and its first user, who owns it.

        Both or neither: on PostgreSQL and SQLite one transaction creates the row, the schema (or
        the tables) and the user, and any failure rolls all of it back. MySQL and MariaDB cannot
        roll DDL back, so there a failure deletes the organization again (which drops its tables).
        """
        using = router.db_for_write(self.model)
        if connections[using].features.can_rollback_ddl:
            with transaction.atomic(using=using):
                organization = self.using(using).create(name=name, slug=slug)
                organization.add_owner(username, email, password)
            return organization
        organization = self.using(using).create(name=name, slug=slug)
        try:
            organization.add_owner(username, email, password)
        except BaseException:
            organization.delete()
            raise
        return organization


class Organization(AbstractTenant):
    slug = models.SlugField(
        max_length=30,
        unique=True,
        validators=[validate_subdomain, validate_not_reserved],
        error_messages={"unique": "This address is taken."},
        help_text="The organization's address: <slug>.localhost.",
    )
    name = models.CharField(max_length=100)
    created = models.DateTimeField(auto_now_add=True)

    objects = OrganizationManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        # The schema (PostgreSQL) or table prefix (SQLite) is made of it: tenant_acme.
        return (self.slug,)

    def add_owner(self, username: str, email: str, password: str) -> "Member":
        """A user of this organization who may do everything in it."""
        return Member.for_tenant(self).objects.create_superuser(username, email, password)


class Member(AbstractTenantUser):
    """A user of one organization (TENANCY_USER_MODEL): alice of acme does not exist at globex.

    ``is_superuser`` (and ``is_staff``) make an owner of the organization, who manages its
    projects, labels and members; the other members work on tickets.
    """

    class Meta:
        ordering = ["username"]

    class TenantMeta:
        related_name = "members"  # organization.members: the manager of its Member class


def tenant_path(viewname: str, **kwargs) -> str:
    """The path of one of an organization's pages, from anywhere: a view, a command, the admin."""
    return reverse(viewname, urlconf=settings.TENANCY_URLCONF, kwargs=kwargs)


class Project(TenantModel):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    class TenantMeta:
        related_name = "projects"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return tenant_path("project-detail", pk=self.pk)


class Label(TenantModel):
    name = models.CharField(max_length=40, unique=True)
    color = models.CharField(
        max_length=7,
        default="#64748b",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}\Z", "A colour as #rrggbb.")],
    )

    class Meta:
        ordering = ["name"]

    class TenantMeta:
        related_name = "labels"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return tenant_path("label-detail", pk=self.pk)


class Ticket(TenantModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    class Priority(models.IntegerChoices):
        LOW = 1, "Low"
        NORMAL = 2, "Normal"
        HIGH = 3, "High"

    # Relations between tenant models stay within the organization: acme's Ticket points at
    # acme's Project, Member and Label.
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tickets")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.OPEN)
    priority = models.PositiveSmallIntegerField(choices=Priority, default=Priority.NORMAL)
    reporter = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="reported_tickets"
    )
    assignee = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_tickets"
    )
    labels = models.ManyToManyField(Label, blank=True, related_name="tickets")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated", "-pk"]
        indexes = [models.Index(fields=["status", "priority"], name="tracker_ticket_status_idx")]

    class TenantMeta:
        related_name = "tickets"

    def __str__(self):
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self):
        return tenant_path("ticket-detail", pk=self.pk)


class Comment(TenantModel):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="comments")
    body = models.TextField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self):
        return f"{self.author or 'someone'} on {self.ticket}"

    def get_absolute_url(self):
        return tenant_path("ticket-detail", pk=self.ticket_id) + f"#comment-{self.pk}"
