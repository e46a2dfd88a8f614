"""The admin in a real browser: Debian's Chromium, headless, driven by Selenium through chromedriver.

One walk through what an administrator does, against a live server on this process's test
database: log in, choose a tenant in the header, add and change rows, switch tenant and see the
other tenant's rows only, follow a recent action back to its tenant; a staff member of one tenant
is offered that tenant alone; a tenant's own user administers it on the tenant's host
(``acme.localhost``, which Chromium resolves to the loopback address).

Needs ``chromium`` and ``chromium-driver`` (Debian's packages: ``.ci/run`` installs them) and
``selenium`` (the test extras); skipped without them.
"""

import os
import shutil

import pytest
from django.contrib.auth.models import Permission, User

from tenancy.contrib.admin.models import TenantLogEntry
from tests.admin_fixtures import ADMIN_SETTINGS
from tests.members.models import Member, Membership
from tests.shop.models import Customer, Product
from tests.utils import routing

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
selenium = pytest.importorskip("selenium", reason="selenium is not installed (pip install -e '.[test]')")
BACKEND = os.environ.get("TENANCY_TEST_BACKEND", "sqlite")
pytestmark = [
    pytest.mark.skipif(
        not (CHROMIUM and CHROMEDRIVER), reason="Debian's chromium and chromium-driver are not installed"
    ),
    # What the browser sees does not depend on the database: one run on SQLite and one on
    # PostgreSQL (psycopg 3) keep CI short; tests/test_admin.py covers every backend and driver.
    pytest.mark.skipif(
        BACKEND == "mysql" or os.environ.get("TENANCY_TEST_PG_DRIVER") == "psycopg2",
        reason="the browser tests run on SQLite and on PostgreSQL with psycopg 3",
    ),
]

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


@pytest.fixture
def site(settings, transactional_db):
    """Two tenants with products, committed (the live server is another thread), deleted at the end."""
    with routing(
        settings,
        **ADMIN_SETTINGS,
        TENANCY_BASE_DOMAIN="localhost",
        ALLOWED_HOSTS=["localhost", ".localhost"],
    ):
        acme, globex = Customer.objects.create(name="acme"), Customer.objects.create(name="globex")
        try:
            Product.for_tenant(acme).objects.create(name="anvil", price=5)
            Product.for_tenant(acme).objects.create(name="rocket", price=50)
            Product.for_tenant(globex).objects.create(name="widget", price=2)
            User.objects.create_superuser("root", "root@example.com", "root-secret")
            yield acme, globex
        finally:
            for tenant in (acme, globex):
                tenant.delete()


@pytest.fixture
def server(site):
    """A server in a thread of this process, started once the site's settings are in place (its
    middleware is loaded when it starts), serving the admin's static files too."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    thread = LiveServerThread("localhost", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    thread.url = f"http://localhost:{thread.port}"
    yield thread
    thread.terminate()


def click(browser, by, value):
    """Click, then wait for the next page to replace this one and finish loading."""
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(by, value).click()

    def replaced(driver) -> bool:
        try:
            page.is_enabled()
        except WebDriverException:  # stale, or (Chromium) "does not belong to the document"
            return True
        return False

    WebDriverWait(browser, 10).until(replaced)
    WebDriverWait(browser, 10).until(lambda driver: driver.execute_script("return document.readyState") == "complete")


def log_in(browser, url, username, password):
    browser.get(url)
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    click(browser, By.CSS_SELECTOR, "input[type=submit]")


def choose(browser, name):
    Select(browser.find_element(By.ID, "tenancy-tenant")).select_by_visible_text(name)
    click(browser, By.ID, "tenancy-tenant-switch")


def rows(browser) -> list[str]:
    """The change list's objects, as its first column shows them."""
    return sorted(cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#result_list tbody th"))


def test_administering_two_tenants_in_a_browser(site, server, browser):
    acme, globex = site
    public = server.url  # http://localhost:<port>
    log_in(browser, f"{public}/admin/", "root", "root-secret")
    assert "Choose a tenant" in browser.find_element(By.ID, "tenancy-choose-tenant").text
    options = [o.text for o in Select(browser.find_element(By.ID, "tenancy-tenant")).options]
    assert options == ["— none —", "acme", "globex"]

    # acme: its products, then one added and one changed through the forms
    choose(browser, "acme")
    assert "Administering acme" in browser.find_element(By.ID, "tenancy-administered-tenant").text
    click(browser, By.LINK_TEXT, "Produits")
    assert rows(browser) == ["anvil", "rocket"]
    click(browser, By.CSS_SELECTOR, ".object-tools a.addlink")
    browser.find_element(By.NAME, "name").send_keys("catapult")
    price = browser.find_element(By.NAME, "price")
    price.clear()
    price.send_keys("9.50")
    click(browser, By.NAME, "_save")
    assert "was added successfully" in browser.find_element(By.CSS_SELECTOR, "ul.messagelist").text
    assert rows(browser) == ["anvil", "catapult", "rocket"]
    click(browser, By.LINK_TEXT, "anvil")
    name = browser.find_element(By.NAME, "name")
    name.clear()
    name.send_keys("heavy anvil")
    click(browser, By.NAME, "_save")
    assert rows(browser) == ["catapult", "heavy anvil", "rocket"]

    # globex, chosen on the change list: globex's list, without acme's rows
    choose(browser, "globex")
    assert browser.current_url.endswith("/admin/shop/product/")
    assert rows(browser) == ["widget"]
    assert sorted(Product.for_tenant(globex).objects.values_list("name", flat=True)) == ["widget"]
    assert sorted(Product.for_tenant(acme).objects.values_list("name", flat=True)) == [
        "catapult",
        "heavy anvil",
        "rocket",
    ]

    # The recent actions, from globex's admin, lead back to acme's object
    browser.get(f"{public}/admin/")
    recent = browser.find_element(By.ID, "recent-actions-module")
    assert "acme" in recent.text
    click(browser, By.CSS_SELECTOR, "#recent-actions-module a")
    assert browser.find_element(By.NAME, "name").get_attribute("value") == "heavy anvil"
    assert Select(browser.find_element(By.ID, "tenancy-tenant")).first_selected_option.text == "acme"
    click(browser, By.CSS_SELECTOR, "a.historylink")
    history = browser.find_element(By.ID, "change-history").text
    assert "root" in history and "Changed Name." in history
    assert TenantLogEntry.objects.filter(tenant=acme).count() == 2
    assert not TenantLogEntry.objects.filter(tenant=globex).exists()


def test_a_staff_member_and_a_tenants_own_user_in_a_browser(site, server, browser):
    acme, globex = site
    staff = User.objects.create_user("sam", password="sam-secret", is_staff=True)
    Membership.objects.create(tenant=acme, user=staff)
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="tenant_acme:shop", codename__endswith="_product")
    )
    log_in(browser, f"{server.url}/admin/", "sam", "sam-secret")
    options = [o.text for o in Select(browser.find_element(By.ID, "tenancy-tenant")).options]
    assert options == ["— none —", "acme"]
    choose(browser, "acme")
    click(browser, By.LINK_TEXT, "Produits")
    assert rows(browser) == ["anvil", "rocket"]
    browser.delete_all_cookies()

    # acme's own user, on acme's host: acme, and no selector
    Member.for_tenant(acme).objects.create_superuser("alice", "alice@acme.test", "alice-secret")
    port = server.url.rsplit(":", 1)[1]
    log_in(browser, f"http://acme.localhost:{port}/admin/", "alice", "alice-secret")
    assert "acme" in browser.find_element(By.ID, "tenancy-tenant").text
    assert not browser.find_elements(By.ID, "tenancy-tenant-selector")
    click(browser, By.LINK_TEXT, "Produits")
    assert rows(browser) == ["anvil", "rocket"]
    # globex's host does not know alice
    log_in(browser, f"http://globex.localhost:{port}/admin/", "alice", "alice-secret")
    assert "Please enter the correct username and password" in browser.find_element(By.CSS_SELECTOR, ".errornote").text
