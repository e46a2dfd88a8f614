"""The example project (example/), run the way the README runs it: ``python demo.py``.

demo.py migrates a database of its own (a temporary SQLite file, or a new database on the
PostgreSQL server of DATABASE_URL), seeds it and starts Django's development server, as a
subprocess on a free port. The tests talk to it over HTTP as a browser would: the host names
its organization (``acme.localhost:<port>``), cookies and CSRF tokens go back and forth, forms
are posted. What the server wrote is read back from its database with plain SQL. At the end,
Ctrl-C must stop the server and delete the database.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from html import unescape
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.served.databases import Database, server
from tests.served.processes import ROOT, accepts, free_port

BACKEND = os.environ.get("TENANCY_TEST_BACKEND", "sqlite")
PASSWORD = "demo-password"
STARTUP = 90  # seconds: migrate, seed, and the server's own start
ACME_TITLES = ["Rocket skates veer left at full thrust", "Anvils delivered to the wrong canyon"]
GLOBEX_TITLES = ["Hammocks sag after a week in the sun", "Doomsday device magnet is too weak"]

pytestmark = [
    pytest.mark.skipif(
        BACKEND not in ("sqlite", "postgresql"),
        reason=f"demo.py runs the example project on SQLite or PostgreSQL, not {BACKEND}",
    ),
    # demo.py's server is another process with its own driver: the psycopg 3 pass runs these.
    pytest.mark.skipif(
        os.environ.get("TENANCY_TEST_PG_DRIVER") == "psycopg2", reason="run once on PostgreSQL, with psycopg 3"
    ),
]


def server_url() -> str:
    """The PostgreSQL server the suite tests against, as tests/settings.py finds it."""
    from tests.settings import _DEFAULT_URLS

    return os.environ.get("DATABASE_URL") or _DEFAULT_URLS["postgresql"]


def demo_environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EXAMPLE_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    if BACKEND == "postgresql":
        env["DATABASE_URL"] = server_url()
    env["PYTHONUNBUFFERED"] = "1"
    return env


# --- demo.py as a subprocess --------------------------------------------------------------------------


class Demo:
    """``python demo.py ARGS`` in a session of its own, its output in a file."""

    def __init__(self, *args: str):
        self.log = tempfile.NamedTemporaryFile(prefix="tenancy-demo-", suffix=".log", delete=False)
        self.popen = subprocess.Popen(
            [sys.executable, "demo.py", *args],
            cwd=ROOT,
            env=demo_environment(),
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def database(self) -> Database:
        """The database demo.py made, as it says in its output."""
        output = self.output()
        if BACKEND == "sqlite":
            found = re.search(r"in the temporary file (\S+\.sqlite3)", output)
            assert found, output
            return Database("sqlite", found.group(1))
        found = re.search(r"in the new database (tenancy_demo_[0-9a-f]+)", output)
        assert found, output
        return replace(server(server_url()), name=found.group(1))

    def wait_until_serving(self, port: int) -> None:
        deadline = time.monotonic() + STARTUP
        while not accepts(port):
            assert self.popen.poll() is None, f"demo.py exited ({self.popen.returncode}):\n{self.output()}"
            assert time.monotonic() < deadline, f"demo.py did not serve within {STARTUP} s:\n{self.output()}"
            time.sleep(0.1)

    def interrupt(self, timeout: float = 60) -> int:
        """Ctrl-C, as a terminal sends it (to demo.py, whose server runs in a process group of its own)."""
        os.kill(self.popen.pid, signal.SIGINT)
        return self.popen.wait(timeout)

    def close(self) -> None:
        if self.popen.poll() is None:
            try:
                self.interrupt()
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
        self.log.close()
        os.unlink(self.log.name)


def database_exists(database: Database) -> bool:
    if database.vendor == "sqlite":
        return os.path.exists(database.name)
    maintenance = server(server_url())
    return maintenance.query("SELECT count(*) FROM pg_database WHERE datname = %s", (database.name,)) == [(1,)]


@dataclass
class Served:
    port: int
    demo: Demo
    database: Database

    def browser(self, organization: str | None = None) -> Browser:
        host = f"{organization}.localhost" if organization else "localhost"
        return Browser(self.port, f"{host}:{self.port}")

    def signed_in(self, organization: str, username: str, password: str = PASSWORD) -> Browser:
        browser = self.browser(organization)
        reply = browser.sign_in(username, password)
        assert reply.status == 302, reply.text
        return browser

    def table(self, organization: str, model: str) -> str:
        """The table of a tenant model of the tracker app, as tenancy names it."""
        if self.database.vendor == "postgresql":
            return f'"tenant_{organization}"."tracker_{model}"'
        return f'"tenant_{organization}_tracker_{model}"'

    def column(self, organization: str, model: str, name: str) -> list:
        return [value for (value,) in self.database.query(f"SELECT {name} FROM {self.table(organization, model)}")]

    def tenant_tables(self, organization: str) -> list[str]:
        """What the database has of ``organization``, read from its catalogue: the names of its tables
        without the prefix (``tracker_ticket``), and on PostgreSQL its schema (``schema tenant_acme``)."""
        schema = f"tenant_{organization}"
        if self.database.vendor == "postgresql":
            found = self.database.query("SELECT nspname FROM pg_namespace WHERE nspname = %s", (schema,))
            sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = %s"
            return [f"schema {name}" for (name,) in found] + [name for (name,) in self.database.query(sql, (schema,))]
        rows = self.database.query("SELECT name FROM sqlite_master WHERE type = 'table'")
        return [name.removeprefix(schema + "_") for (name,) in rows if name.startswith(schema + "_")]

    def organizations(self) -> list[str]:
        return sorted(slug for (slug,) in self.database.query("SELECT slug FROM tracker_organization"))

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        """``example/manage.py ARGS`` on the demo's database."""
        env = {**demo_environment(), "EXAMPLE_DATABASE_URL": self.database.url}
        argv = [sys.executable, "manage.py", *args]
        return subprocess.run(argv, cwd=ROOT / "example", env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """``python demo.py --port PORT``, as the README runs it (the autoreloader on: its child serves).
    The last test stops it with Ctrl-C; should it not run, the server is stopped at the end anyway."""
    port = free_port()
    demo = Demo("--port", str(port))
    try:
        demo.wait_until_serving(port)
        yield Served(port, demo, demo.database())
    finally:
        demo.close()


# --- A browser, without the browser -------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def location(self) -> str | None:
        return self.headers.get("Location")


@dataclass
class Browser:
    """Requests to 127.0.0.1:``port`` for ``host``, with the cookies the host set; redirects are not followed."""

    port: int
    host: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, data: dict | None = None) -> Reply:
        headers = {"Host": self.host}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{self.host}"  # as browsers send it; Django's CSRF check compares it
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            reply = Reply(response.status, response.headers, response.read().decode("utf-8", "replace"))
        finally:
            connection.close()
        for header in reply.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return reply

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def submit(self, path: str, data: dict, action: str | None = None) -> Reply:
        """Open the page at ``path`` and post ``data`` with the page's hidden fields (the CSRF token, the
        admin's ``next``) to ``action``, else ``path``."""
        page = self.get(path)
        assert page.status == 200, (path, page.status, page.text[:2000])
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
        assert "csrfmiddlewaretoken" in hidden, page.text
        return self.request("POST", action or path, {**hidden, **data})

    def sign_in(self, username: str, password: str = PASSWORD) -> Reply:
        return self.submit("/login/", {"username": username, "password": password})


def options(page: str, name: str) -> dict[str, str]:
    """The choices of the form field ``name`` in ``page``: {label: value}."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    if select:
        pairs = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
    else:  # checkboxes
        pairs = re.findall(rf'<input type="checkbox" name="{name}" value="([^"]*)"[^>]*>\s*([^<]*)</label>', page)
    return {unescape(label).strip(): value for value, label in pairs if value}


def assert_form_error(reply: Reply, message: str) -> None:
    assert reply.status == 200, (reply.status, reply.location)
    assert 'class="errorlist' in reply.text
    assert message in unescape(reply.text), re.findall(r'<ul class="errorlist.*?</ul>', reply.text, re.S)


# --- The tests --------------------------------------------------------------------------------------


def test_the_public_site_lists_the_organizations_with_their_addresses(served):
    home = served.browser().get("/")
    assert home.status == 200
    for slug, name in [("acme", "Acme Corporation"), ("globex", "Globex Corporation")]:
        assert name in home.text
        assert f'href="http://{slug}.localhost:{served.port}/"' in home.text
    stylesheet = served.browser().get("/static/tracker/style.css")
    assert stylesheet.status == 200
    assert stylesheet.headers.get_content_type() == "text/css"
    assert "/static/tracker/style.css" in home.text  # served by the project itself, nothing from elsewhere
    assert not re.search(r'(src|href)="(https?:)?//(?!(acme|globex)\.localhost)', home.text.split("<footer")[0])


def test_an_organization_s_pages_ask_for_a_login_and_an_unknown_one_is_a_404(served):
    acme = served.browser("acme")
    reply = acme.get("/tickets/")
    assert (reply.status, reply.location) == (302, "/login/?next=/tickets/")
    assert "Sign in to Acme Corporation" in acme.get("/login/").text
    assert served.browser("initrode").get("/login/").status == 404
    bob = served.signed_in("acme", "bob")
    assert bob.get("/tickets/").status == 200
    reply = bob.submit("/", {}, action="/logout/")  # the form in the header of every page
    assert (reply.status, reply.location) == (302, "/login/")
    assert bob.get("/tickets/").status == 302


def test_each_organization_sees_its_own_tickets_people_and_projects(served):
    alice, grace = served.signed_in("acme", "alice"), served.signed_in("globex", "grace")
    for browser, own, other in [(alice, ACME_TITLES, GLOBEX_TITLES), (grace, GLOBEX_TITLES, ACME_TITLES)]:
        tickets = browser.get("/tickets/")
        assert tickets.status == 200
        assert all(title in tickets.text for title in own)
        assert not any(title in tickets.text for title in other)
    assert {"alice", "bob"} <= set(re.findall(r'/members/\d+/">(\w+)<', alice.get("/members/").text))
    assert set(re.findall(r'/members/\d+/">(\w+)<', grace.get("/members/").text)) == {"grace", "hank"}
    assert "Rocket Skates" in alice.get("/projects/").text
    assert "Rocket Skates" not in grace.get("/projects/").text
    # Both organizations number their tickets from 1, in tables of their own; acme has more.
    assert "Rocket skates" in alice.get("/tickets/1/").text
    assert "Hammock" in grace.get("/tickets/1/").text
    beyond = max(served.column("acme", "ticket", "id"))
    assert beyond > max(served.column("globex", "ticket", "id"))
    assert alice.get(f"/tickets/{beyond}/").status == 200
    assert grace.get(f"/tickets/{beyond}/").status == 404


PAGES = [
    "/",
    "/tickets/",
    "/tickets/?status=in_progress",
    "/tickets/?mine=1",
    "/tickets/new/",
    "/tickets/1/",
    "/tickets/1/edit/",
    "/projects/",
    "/projects/new/",
    "/projects/1/",
    "/projects/1/edit/",
    "/labels/",
    "/labels/new/",
    "/labels/1/",
    "/labels/1/edit/",
    "/comments/",
    "/comments/1/",
    "/comments/1/edit/",
    "/members/",
    "/members/new/",
    "/members/1/",
    "/members/1/edit/",
]


def test_every_page_of_an_organization_answers_its_owner(served):
    alice = served.signed_in("acme", "alice")
    statuses = {path: alice.get(path).status for path in PAGES}
    assert statuses == dict.fromkeys(PAGES, 200)


def test_an_owner_adds_a_person_who_can_then_sign_in(served):
    alice = served.signed_in("acme", "alice")
    data = {
        "username": "carol",
        "email": "carol@acme.example",
        "password1": "roadrunner-42",
        "password2": "roadrunner-42",
    }
    reply = alice.submit("/members/new/", {**data, "owner": ""})
    assert reply.status == 302, reply.text
    assert re.fullmatch(r"/members/\d+/", reply.location)
    carol = served.signed_in("acme", "carol", "roadrunner-42")  # with the password alice gave her
    assert carol.get("/members/new/").status == 403  # a member, not an owner
    assert "carol" in served.column("acme", "member", "username")
    assert "carol" not in served.column("globex", "member", "username")


def test_a_user_of_one_organization_cannot_sign_in_at_another(served):
    at_globex = served.browser("globex")
    reply = at_globex.sign_in("alice")
    assert_form_error(reply, "Please enter a correct username and password")
    assert "sessionid" not in at_globex.cookies
    assert at_globex.get("/tickets/").status == 302
    # A session made at acme, sent to globex (a shared cookie domain would do that): nobody there.
    alice = served.signed_in("acme", "alice")
    assert alice.get("/tickets/").status == 200
    carried = served.browser("globex")
    carried.cookies.update(alice.cookies)
    reply = carried.get("/tickets/")
    assert (reply.status, reply.location) == (302, "/login/?next=/tickets/")
    assert alice.get("/tickets/").status == 200  # still signed in at acme
    # The service's staff account signs in to the admin of the public site, not at an organization.
    assert_form_error(served.browser("acme").sign_in("admin"), "Please enter a correct username and password")


def test_creating_a_ticket_and_commenting_on_it_through_the_forms(served):
    bob = served.signed_in("acme", "bob")
    form = bob.get("/tickets/new/").text
    projects, assignees, labels = options(form, "project"), options(form, "assignee"), options(form, "labels")
    assert set(projects) == {"Rocket Skates", "Anvil Delivery"}  # acme's, not globex's
    assert {"alice", "bob"} <= set(assignees)
    assert not {"grace", "hank"} & set(assignees)
    assert set(labels) == {"bug", "feature", "customer"}

    title = f"Skates squeak on Tuesdays {uuid.uuid4().hex[:6]}"
    data = {
        "project": projects["Rocket Skates"],
        "title": title,
        "description": "Only on Tuesdays.",
        "status": "open",
        "priority": "3",
        "assignee": assignees["alice"],
        "labels": [labels["bug"], labels["customer"]],
    }
    refused = bob.submit("/tickets/new/", {**data, "project": "999"})
    assert_form_error(refused, "Select a valid choice")
    reply = bob.submit("/tickets/new/", data)
    assert reply.status == 302, reply.text
    path = reply.location
    assert re.fullmatch(r"/tickets/\d+/", path)
    page = bob.get(path)
    assert page.status == 200
    assert title in page.text
    assert "bob, " in page.text  # the reporter
    assert title in served.column("acme", "ticket", "title")
    assert title not in served.column("globex", "ticket", "title")

    comment = f"Reproduced with the left skate {uuid.uuid4().hex[:6]}."
    reply = bob.submit(path, {"body": comment}, action=f"{path}comment/")
    assert reply.status == 302, reply.text
    assert reply.location.startswith(f"{path}#comment-")
    assert comment in bob.get(path).text
    assert comment in served.column("acme", "comment", "body")


def api(served, organization: str, method: str, path: str, user: str | None = None, data=None):
    """A request to the REST API of ``organization`` as ``user`` (HTTP Basic): the status and the JSON."""
    headers = {"Host": f"{organization}.localhost", "Accept": "application/json"}
    if user is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{user}:{PASSWORD}".encode()).decode()
    body = None
    if data is not None:
        body, headers["Content-Type"] = json.dumps(data), "application/json"
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    try:
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def test_the_rest_api_serves_an_organization_s_members_its_own_rows(served):
    assert api(served, "acme", "GET", "/api/tickets/")[0] in (401, 403)  # anonymous
    assert api(served, "acme", "GET", "/api/tickets/", "grace")[0] in (401, 403)  # globex's member
    status, tickets = api(served, "acme", "GET", "/api/tickets/", "alice")
    assert status == 200 and set(ACME_TITLES) <= {ticket["title"] for ticket in tickets}
    assert not set(GLOBEX_TITLES) & {ticket["title"] for ticket in tickets}
    project = api(served, "acme", "GET", "/api/projects/", "bob")[1][0]["id"]
    ticket = {"project": project, "title": "Filed through the API", "labels": ["research"]}  # globex's label
    status, errors = api(served, "acme", "POST", "/api/tickets/", "bob", ticket)
    assert status == 400 and "labels" in errors
    status, created = api(served, "acme", "POST", "/api/tickets/", "bob", {**ticket, "labels": ["feature"]})
    assert status == 201 and created["reporter"] == "bob" and created["labels"] == ["feature"]
    found = api(served, "acme", "GET", "/api/tickets/?search=through+the+API", "alice")[1]
    assert [t["id"] for t in found] == [created["id"]]
    assert api(served, "globex", "GET", "/api/tickets/?search=through+the+API", "grace")[1] == []
    assert api(served, "acme", "GET", f"/api/tickets/?project={project}&status=open", "alice")[0] == 200


def test_only_an_organization_s_owners_manage_its_projects(served):
    bob, alice = served.signed_in("acme", "bob"), served.signed_in("acme", "alice")
    assert bob.get("/projects/new/").status == 403
    name = f"Giant Magnet {uuid.uuid4().hex[:6]}"
    reply = alice.submit("/projects/new/", {"name": name, "description": "For iron birds."})
    assert reply.status == 302, reply.text
    assert name in bob.get(reply.location).text
    assert name in served.column("acme", "project", "name")
    assert name not in served.column("globex", "project", "name")


def test_signing_up_creates_a_working_organization(served):
    slug = f"initech-{uuid.uuid4().hex[:6]}"
    data = {
        "name": "Initech",
        "slug": slug,
        "username": "peter",
        "email": "peter@initech.example",
        "password1": "tps-reports-2000",
        "password2": "tps-reports-2000",
    }
    reply = served.browser().submit("/signup/", data)
    assert reply.status == 302, reply.text
    assert reply.location == f"http://{slug}.localhost:{served.port}/login/?welcome=1"

    key = slug.replace("-", "_")  # in the names of its schema and tables
    assert slug in served.organizations()
    assert {"tracker_member", "tracker_project", "tracker_ticket"} <= set(served.tenant_tables(key))
    peter = served.browser(slug)
    assert "Your organization is ready" in peter.get("/login/?welcome=1").text
    assert peter.sign_in("peter", "tps-reports-2000").status == 302
    dashboard = peter.get("/")
    assert dashboard.status == 200
    assert "Initech" in dashboard.text
    assert "peter (owner)" in dashboard.text
    reply = peter.submit("/projects/new/", {"name": "TPS reports"})
    assert reply.status == 302, reply.text
    assert served.column(key, "project", "name") == ["TPS reports"]
    assert served.column(key, "member", "username") == ["peter"]
    assert f'href="http://{slug}.localhost:{served.port}/"' in served.browser().get("/").text
    # peter exists at the new organization only.
    assert served.browser("acme").sign_in("peter", "tps-reports-2000").status == 200


BAD_SIGN_UPS = [
    ({"slug": "acme"}, "This address is taken."),
    ({"slug": "www"}, "www is reserved."),
    ({"slug": "Bad_Slug!"}, "Use lowercase letters, digits and hyphens"),
    ({"slug": "umbrella", "password2": "something-else"}, "The two passwords differ."),
    ({"slug": "umbrella", "password1": "password", "password2": "password"}, "This password is too common."),
    ({"slug": "umbrella", "username": "no spaces allowed"}, "Enter a valid username."),
]


def test_a_bad_sign_up_leaves_nothing_behind(served):
    before = served.organizations()
    good = {
        "name": "Umbrella",
        "username": "albert",
        "email": "albert@umbrella.example",
        "password1": "t-virus-lab-2",
        "password2": "t-virus-lab-2",
    }
    for bad, message in BAD_SIGN_UPS:
        reply = served.browser().submit("/signup/", {**good, **bad})
        assert_form_error(reply, message)
    assert served.organizations() == before
    assert served.tenant_tables("umbrella") == []
    assert served.tenant_tables("bad_slug") == []
    assert served.browser("umbrella").get("/login/").status == 404


def test_creating_an_organization_and_its_owner_is_one_transaction(served):
    """The owner cannot be created (the form would have refused the username): the organization, already
    created with its schema or tables in the same transaction, is rolled back with it."""
    code = (
        "from django.core.exceptions import ValidationError\n"
        "from tracker.models import Organization\n"
        "try:\n"
        "    Organization.objects.create_with_owner(\n"
        "        name='Umbrella', slug='umbrella', username='no spaces allowed', email='', password='t-virus-lab-2')\n"
        "except ValidationError as error:\n"
        "    print('refused:', error)\n"
    )
    completed = served.manage("shell", "--no-imports", "-c", code)
    assert completed.returncode == 0, completed.stderr
    assert "refused: {'username': ['Enter a valid username." in completed.stdout
    assert "umbrella" not in served.organizations()
    assert served.tenant_tables("umbrella") == []


def test_the_public_site_s_admin_is_for_the_service_s_staff(served):
    staff = served.browser()
    reply = staff.get("/admin/")
    assert (reply.status, reply.location) == (302, "/admin/login/?next=/admin/")
    refused = staff.submit("/admin/login/", {"username": "alice", "password": PASSWORD})  # acme's, not the service's
    assert refused.status == 200
    assert "Please enter the correct username and password for a staff account" in refused.text
    reply = staff.submit("/admin/login/", {"username": "admin", "password": PASSWORD})
    assert (reply.status, reply.location) == (302, "/admin/")
    organizations = staff.get("/admin/tracker/organization/")
    assert organizations.status == 200
    assert f'href="http://acme.localhost:{served.port}/"' in organizations.text
    assert "tenant_globex" in organizations.text
    reply = staff.submit("/admin/tracker/organization/add/", {"slug": "hooli", "name": "Hooli"})
    assert (reply.status, reply.location) == (302, "/admin/tracker/organization/")
    assert "tracker_ticket" in served.tenant_tables("hooli")  # an organization made in the admin has its tables
    # A new slug in the admin renames the organization: its tables move to the new name.
    pk = re.search(r'href="/admin/tracker/organization/(\d+)/change/[^"]*">Hooli<', staff.get(reply.location).text)[1]
    reply = staff.submit(f"/admin/tracker/organization/{pk}/change/", {"slug": "nucleus", "name": "Hooli"})
    assert (reply.status, reply.location) == (302, "/admin/tracker/organization/")
    assert "tracker_ticket" in served.tenant_tables("nucleus") and served.tenant_tables("hooli") == []
    refused = staff.submit("/admin/tracker/organization/add/", {"slug": "globex", "name": "Globex again"})
    assert_form_error(refused, "This address is taken.")
    # (the page's other hidden "next", the tenant selector's, is not the logout form's)
    reply = staff.submit("/admin/", {"next": ""}, action="/admin/logout/")
    assert reply.status == 200
    assert "Logged out" in reply.text
    assert staff.get("/admin/").status == 302


def test_the_admin_shows_one_organization_s_rows_at_a_time(served):
    # The service's staff, on the public site: the organization is chosen in the admin's header.
    staff = served.browser()
    staff.submit("/admin/login/", {"username": "admin", "password": PASSWORD})
    index = staff.get("/admin/")
    assert "Choose a tenant" in index.text
    choices = dict(re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', index.text))
    by_name = {name: pk for pk, name in choices.items()}
    for organization, own, other in [("Acme", ACME_TITLES, GLOBEX_TITLES), ("Globex", GLOBEX_TITLES, ACME_TITLES)]:
        pk = next(pk for name, pk in by_name.items() if name.startswith(organization))
        reply = staff.submit("/admin/", {"tenant": pk, "next": "/admin/"}, action="/admin/tenancy/tenant/")
        assert (reply.status, reply.location) == (302, "/admin/")
        tickets = staff.get("/admin/tracker/ticket/")
        assert tickets.status == 200
        assert all(title in tickets.text for title in own)
        assert not any(title in tickets.text for title in other)

    # An organization's owner, on its host: that organization's admin, and no selector.
    alice = served.browser("acme")
    reply = alice.submit("/admin/login/", {"username": "alice", "password": PASSWORD})
    assert (reply.status, reply.location) == (302, "/admin/")
    tickets = alice.get("/admin/tracker/ticket/")
    assert all(title in tickets.text for title in ACME_TITLES)
    assert not any(title in tickets.text for title in GLOBEX_TITLES)
    assert 'id="tenancy-tenant-selector"' not in tickets.text
    # bob is a member of acme but not an owner (not staff): no admin for him
    bob = served.browser("acme")
    refused = bob.submit("/admin/login/", {"username": "bob", "password": PASSWORD})
    assert "Please enter the correct username and password for a staff account" in refused.text


def test_seeding_again_creates_nothing_twice(served):
    def counts():
        tenant = {
            (slug, model): len(served.column(slug, model, "id"))
            for slug in ("acme", "globex")
            for model in ("member", "project", "label", "ticket", "comment")
        }
        return served.organizations(), tenant

    before = counts()
    completed = served.manage("seed_demo", "--port", str(served.port))
    assert completed.returncode == 0, completed.stderr
    assert "alice (owner), bob" in completed.stdout
    assert counts() == before
    assert served.signed_in("globex", "hank").get("/").status == 200


@pytest.mark.skipif(
    BACKEND != "sqlite",
    reason="on PostgreSQL, demo.py makes and drops its database as the served test does, whether it serves or not; "
    "DROP DATABASE waits for a checkpoint, seconds on a busy server",
)
def test_no_serve_prepares_prints_and_deletes_its_database():
    demo = Demo("--no-serve")
    try:
        assert demo.popen.wait(STARTUP) == 0, demo.output()
        output = demo.output()
        database = demo.database()
        lines = [" ".join(line.split()) for line in output.splitlines()]
        assert "Acme Corporation http://acme.localhost:8000/ alice (owner), bob" in lines
        assert "Globex Corporation http://globex.localhost:8000/ grace (owner), hank" in lines
        assert "Acme Corporation's admin http://acme.localhost:8000/admin/ alice" in lines
        assert f"password: {PASSWORD}" in output
        assert "--no-serve: the server is not started." in output
        assert not database_exists(database)
    finally:
        demo.close()


def test_ctrl_c_stops_the_server_and_its_reloader_and_deletes_the_database(served):
    """Last in the module: it stops the module's server."""
    assert database_exists(served.database)
    assert served.demo.interrupt() == 0, served.demo.output()
    assert "Server stopped." in served.demo.output()
    assert not accepts(served.port)
    assert not database_exists(served.database)
