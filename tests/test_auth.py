"""Authentication at tenants: per-tenant users, global members, sessions bound to their tenant."""

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import Permission, User
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import AsyncClient, Client

from tests.members.models import Member, Membership
from tests.shop.models import Customer
from tests.utils import routing

AUTH_MIDDLEWARE = [
    "tenancy.middleware.TenantMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tenancy.contrib.auth.middleware.TenantAuthMiddleware",
]


@pytest.fixture(autouse=True)
def routed(settings):
    with routing(
        settings,
        MIDDLEWARE=AUTH_MIDDLEWARE,
        ROOT_URLCONF="tests.web.auth_urls",
        TENANCY_URLCONF="tests.web.auth_urls",
        TENANCY_CURRENT_TENANT=True,
        AUTHENTICATION_BACKENDS=[
            "django.contrib.auth.backends.ModelBackend",
            "tenancy.contrib.auth.backends.TenantBackend",
        ],
        LOGIN_URL="/login/",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],  # fast, for tests
    ):
        yield


@pytest.fixture
def shops(db):
    acme, globex = Customer.objects.create(name="acme"), Customer.objects.create(name="globex")
    Member.for_tenant(acme).objects.create_user("bob", password="acme-secret")
    Member.for_tenant(globex).objects.create_user("bob", password="globex-secret")
    return acme, globex


def host(tenant_name):
    return {"host": f"{tenant_name}.example.com"}


def login(client, tenant_name, username, password, routing="subdomain"):
    path = "/login/" if routing != "path" else f"/t/{tenant_name}/login/"
    headers = host(tenant_name) if routing != "path" else {"host": "example.com"}
    return client.post(path, {"username": username, "password": password}, headers=headers)


# Per-tenant users --------------------------------------------------------------------------------


def test_each_tenant_authenticates_its_own_users(shops):
    client = Client()
    assert login(client, "globex", "bob", "acme-secret").status_code == 200  # acme's password: refused
    assert client.get("/whoami/", headers=host("globex")).content == b"AnonymousUser (AnonymousUser)"
    response = login(client, "acme", "bob", "acme-secret")
    assert response.status_code == 302
    assert client.get("/whoami/", headers=host("acme")).content == b"bob (Member)"
    assert client.get("/private/", headers=host("acme")).content == b"private page of acme for bob"


def test_public_model_backend_signs_global_users_in_on_the_public_site_only(settings, shops):
    settings.AUTHENTICATION_BACKENDS = [
        "tenancy.contrib.auth.backends.PublicModelBackend",
        "tenancy.contrib.auth.backends.TenantBackend",
    ]
    User.objects.create_user("carol", password="carol-secret")
    at_acme = login(Client(), "acme", "carol", "carol-secret")
    assert at_acme.status_code == 200  # the form again: nobody of that name at acme
    credentials = {"username": "carol", "password": "carol-secret"}
    public = Client().post("/login/", credentials, headers={"host": "example.com"})
    assert public.status_code == 302
    assert login(Client(), "acme", "bob", "acme-secret").status_code == 302  # acme's own bob still signs in


def test_login_required_sends_anonymous_users_to_the_tenants_login(shops):
    response = Client().get("/private/", headers=host("acme"))
    assert response.status_code == 302 and response["Location"] == "/login/?next=/private/"


@pytest.mark.parametrize("routing", ["subdomain", "path"])
def test_a_session_made_at_one_tenant_is_nobody_at_another(settings, shops, routing):
    settings.TENANCY_ROUTING = routing
    client = Client()  # the test client sends every cookie to every host: a shared cookie domain
    assert login(client, "acme", "bob", "acme-secret", routing).status_code == 302
    at = (
        (lambda name, page: client.get(page, headers=host(name)))
        if routing != "path"
        else (lambda name, page: client.get(f"/t/{name}{page}", headers={"host": "example.com"}))
    )
    assert at("globex", "/whoami/").content == b"AnonymousUser (AnonymousUser)"
    assert at("globex", "/private/").status_code == 302
    assert at("acme", "/whoami/").content == b"bob (Member)"  # acme's session is intact


def test_the_session_hash_names_the_tenant_too(settings, shops):
    """Without TenantAuthMiddleware, Django's own session check refuses a replayed session."""
    settings.MIDDLEWARE = AUTH_MIDDLEWARE[:-1]
    client = Client()
    login(client, "acme", "bob", "acme-secret")
    acme_bob = Member.for_tenant(shops[0]).objects.get()
    globex_bob = Member.for_tenant(shops[1]).objects.get()
    globex_bob.password = acme_bob.password  # even the same password hash
    globex_bob.save()
    assert acme_bob.pk == globex_bob.pk  # the same key in both tenants: only the hash tells them apart
    assert client.get("/whoami/", headers=host("globex")).content == b"AnonymousUser (AnonymousUser)"


def test_logout(shops):
    client = Client()
    login(client, "acme", "bob", "acme-secret")
    client.post("/logout/", headers=host("acme"))
    assert client.get("/whoami/", headers=host("acme")).content == b"AnonymousUser (AnonymousUser)"


@pytest.mark.django_db(transaction=True)
def test_async_views_read_the_tenants_user(settings, delete_tenants):
    settings.TENANCY_ROUTING = "header"
    acme = Customer.objects.create(name="acme")
    Member.for_tenant(acme).objects.create_user("bob", password="acme-secret")
    Customer.objects.create(name="globex")

    async def requests():
        client = AsyncClient()
        await client.post("/login/", {"username": "bob", "password": "acme-secret"}, headers={"x-tenant": "acme"})
        mine = await client.get("/async-whoami/", headers={"x-tenant": "acme"})
        other = await client.get("/async-whoami/", headers={"x-tenant": "globex"})
        return mine.content, other.content

    assert async_to_sync(requests)() == (b"bob (Member)", b"AnonymousUser (AnonymousUser)")


def test_tenant_users_have_the_tenants_permissions(shops):
    acme, _ = shops
    bob = Member.for_tenant(acme).objects.get()
    assert not bob.has_perm("shop.change_order")
    permission = Permission.objects.get(content_type__app_label=f"{acme.db_schema}:shop", codename="change_order")
    bob.user_permissions.add(permission)
    bob = Member.for_tenant(acme).objects.get()
    assert bob.has_perm("shop.change_order") and bob.has_perm(f"{acme.db_schema}:shop.change_order")
    assert bob.has_module_perms("shop") and not bob.has_perm("shop.delete_order")
    boss = Member.for_tenant(acme).objects.create_superuser("boss", password="x")
    assert boss.has_perm("anything.at_all")


# Global users who belong to tenants --------------------------------------------------------------


@pytest.fixture
def alice(shops):
    alice = User.objects.create_user("alice", password="alice-secret")
    Membership.objects.create(tenant=shops[0], user=alice)
    return alice


def test_members_only_pages(shops, alice):
    client = Client()
    assert client.get("/members/", headers=host("acme")).status_code == 302  # anonymous: to the login
    login(client, "acme", "alice", "alice-secret")
    assert client.get("/members/", headers=host("acme")).content == b"members' page of acme for alice"
    login(client, "globex", "alice", "alice-secret")  # a global user can log in anywhere...
    assert client.get("/members/", headers=host("globex")).status_code == 403  # ...but is no member there


def test_membership_required_everywhere(settings, shops, alice):
    settings.TENANCY_REQUIRE_MEMBERSHIP = True
    client = Client()
    login(client, "globex", "alice", "alice-secret")
    assert client.get("/whoami/", headers=host("globex")).status_code == 403
    login(client, "acme", "alice", "alice-secret")
    assert client.get("/whoami/", headers=host("acme")).content == b"alice (User)"
    assert client.get("/whoami/", headers={"host": "example.com"}).status_code == 200  # the public site: no tenant


# createtenantsuperuser ---------------------------------------------------------------------------


def test_createtenantsuperuser_noinput(shops, monkeypatch):
    acme, globex = shops
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "s3cret-pass")
    call_command("createtenantsuperuser", "--tenant", "acme", "--username", "root", "--noinput", stdout=None)
    root = Member.for_tenant(acme).objects.get(username="root")
    assert root.is_superuser and root.is_staff and root.check_password("s3cret-pass")
    assert not Member.for_tenant(globex).objects.filter(username="root").exists()
    with pytest.raises(CommandError, match="already taken"):
        call_command("createtenantsuperuser", "--tenant", "acme", "--username", "root", "--noinput")
    with pytest.raises(CommandError, match="--username"):
        call_command("createtenantsuperuser", "--tenant", "acme", "--noinput")


def test_createtenantsuperuser_asks(shops, monkeypatch):
    acme, _ = shops
    answers = iter(["bob", "root", "root@example.com"])  # bob is taken: asked again
    passwords = iter(["one", "two", "long enough pass 1", "long enough pass 1"])  # a mismatch first
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(passwords))
    call_command("createtenantsuperuser", "--tenant", "acme")
    root = Member.for_tenant(acme).objects.get(username="root")
    assert root.email == "root@example.com" and root.check_password("long enough pass 1")


# System checks -----------------------------------------------------------------------------------


def test_auth_checks(settings):
    ids = lambda: sorted(e.id for e in checks.run_checks() if e.id.startswith("tenancy."))  # noqa: E731
    assert ids() == []
    settings.TENANCY_CURRENT_TENANT = False
    settings.TENANCY_USER_MODEL = "shop.Product"
    assert ids() == ["tenancy.E013", "tenancy.E014"]
