"""``python manage.py seed_demo``: two organizations with users, projects, tickets and comments.

acme and globex get different people and data, so that what each one sees shows their
isolation; the public site gets ``admin``, a superuser of the whole service for Django's admin.
Every account has the same password (``--password``, ``demo-password`` by default). Running it
again creates nothing twice: what exists is kept, and the accounts get the password again.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from tenancy.links import tenant_url
from tracker.models import Label, Member, Organization, Ticket

PASSWORD = "demo-password"
STAFF_USERNAME = "admin"


@dataclass
class Seed:
    slug: str
    name: str
    # username: (first name, last name, owner?)
    people: dict[str, tuple[str, str, bool]]
    labels: dict[str, str]  # name: colour
    # project: [(title, status, priority, assignee, labels, description, [(author, comment)])]
    projects: dict[str, list[tuple]] = field(default_factory=dict)


S, P = Ticket.Status, Ticket.Priority

SEEDS = [
    Seed(
        "acme",
        "Acme Corporation",
        {"alice": ("Alice", "Anders", True), "bob": ("Bob", "Baker", False)},
        {"bug": "#dc2626", "feature": "#2563eb", "customer": "#9333ea"},
        {
            "Rocket Skates": [
                (
                    "Rocket skates veer left at full thrust",
                    S.OPEN,
                    P.HIGH,
                    "bob",
                    ["bug", "customer"],
                    "Reported by W. E. Coyote after the third canyon. The left booster fires 40 ms early.",
                    [("alice", "Can you reproduce it on the test track?"), ("bob", "Yes: every run, left.")],
                ),
                ("Add a brake to the rocket skates", S.IN_PROGRESS, P.NORMAL, "alice", ["feature"], "", []),
                ("Rocket skates manual: translate to Spanish", S.DONE, P.LOW, "bob", [], "", []),
            ],
            "Anvil Delivery": [
                (
                    "Anvils delivered to the wrong canyon",
                    S.OPEN,
                    P.NORMAL,
                    "alice",
                    ["bug"],
                    "The drop coordinates are read as latitude, longitude instead of the other way round.",
                    [("bob", "Swapped them in the dispatch form; needs a review.")],
                ),
                ("Track anvils by parachute serial number", S.OPEN, P.LOW, None, ["feature", "customer"], "", []),
            ],
        },
    ),
    Seed(
        "globex",
        "Globex Corporation",
        {"grace": ("Grace", "Gordon", True), "hank": ("Hank", "Scorpio", False)},
        {"bug": "#ea580c", "research": "#0d9488", "urgent": "#be123c"},
        {
            "Hammock District": [
                (
                    "Hammocks sag after a week in the sun",
                    S.IN_PROGRESS,
                    P.NORMAL,
                    "hank",
                    ["bug"],
                    "The new fabric stretches above 35 °C.",
                    [("grace", "Try the marine-grade rope from the Cypress Creek supplier.")],
                ),
                ("Hammock stand for the Cypress Creek office", S.OPEN, P.LOW, "grace", [], "", []),
            ],
            "Doomsday Device": [
                (
                    "Doomsday device magnet is too weak",
                    S.OPEN,
                    P.HIGH,
                    "hank",
                    ["research", "urgent"],
                    "It lifts the car but not the building.",
                    [("hank", "Ordered a bigger magnet."), ("grace", "Keep the receipt.")],
                ),
                ("Paint the doomsday device less menacingly", S.DONE, P.LOW, None, ["research"], "", []),
            ],
        },
    ),
]


class Command(BaseCommand):
    help = "Create the demo organizations (acme, globex), their users and data, and the admin user."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=PASSWORD, help=f"The password of every account ({PASSWORD}).")
        parser.add_argument("--port", default="8000", help="The port of the addresses printed (8000).")

    def handle(self, *args, password, port, **options):
        User = get_user_model()
        staff = User.objects.filter(username=STAFF_USERNAME).first()
        if staff is None:
            staff = User.objects.create_superuser(STAFF_USERNAME, "admin@example.com", password)
        else:
            staff.set_password(password)
            staff.save(update_fields=["password"])

        lines, organizations = [], []
        for seed in SEEDS:
            organization = self.seed(seed, password)
            organizations.append(organization)
            people = ", ".join(f"{name} (owner)" if owner else name for name, (*_, owner) in seed.people.items())
            lines.append((organization.name, tenant_url(organization, scheme="http", port=port), people))
        lines.append(("The public site", f"http://localhost:{port}/", "sign-up form, organizations"))
        lines.append(("The admin", f"http://localhost:{port}/admin/", f"{STAFF_USERNAME} (choose the organization)"))
        first = organizations[0]
        owner = next(name for name, (*_, is_owner) in SEEDS[0].people.items() if is_owner)
        lines.append((f"{first.name}'s admin", tenant_url(first, "/admin/", scheme="http", port=port), owner))

        self.stdout.write(f"Demo data ready. Every account's password: {password}")
        widths = [max(len(line[column]) for line in lines) for column in range(2)]
        for name, url, people in lines:
            self.stdout.write(f"  {name:<{widths[0]}}  {url:<{widths[1]}}  {people}")

    def seed(self, seed: Seed, password: str) -> Organization:
        organization, _ = Organization.objects.get_or_create(slug=seed.slug, defaults={"name": seed.name})
        with transaction.atomic():  # the organization's rows, all or none
            members = {}
            Members = Member.for_tenant(organization)  # this organization's class: its table
            for username, (first_name, last_name, owner) in seed.people.items():
                member = Members.objects.filter(username=username).first()
                if member is None:
                    create = Members.objects.create_superuser if owner else Members.objects.create_user
                    member = create(username, f"{username}@{seed.slug}.example")
                member.first_name, member.last_name = first_name, last_name
                member.set_password(password)  # (hashing is slow on purpose: once per account)
                member.save()
                members[username] = member

            labels = {}
            for name, color in seed.labels.items():
                labels[name], _ = Label.for_tenant(organization).objects.get_or_create(
                    name=name, defaults={"color": color}
                )

            reporter = next(member for member in members.values() if member.is_superuser)
            for project_name, tickets in seed.projects.items():
                project, _ = organization.projects.get_or_create(name=project_name)
                for title, status, priority, assignee, label_names, description, comments in tickets:
                    ticket, created = project.tickets.get_or_create(
                        title=title,
                        defaults={
                            "status": status,
                            "priority": priority,
                            "assignee": members.get(assignee),
                            "reporter": reporter,
                            "description": description,
                        },
                    )
                    if created:
                        ticket.labels.set([labels[name] for name in label_names])
                    for author, body in comments:
                        ticket.comments.get_or_create(author=members[author], body=body)
        return organization
