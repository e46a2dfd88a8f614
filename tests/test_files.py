"""TenantFileSystemStorage: each tenant's files in its own folder, and no way out of it."""

import os

import pytest
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.test import Client

from tenancy.context import using_tenant
from tenancy.contrib.files import TenantFileSystemStorage
from tests.shop.models import Customer
from tests.utils import routing


def name_folder(tenant):
    return f"files-of-{tenant.name}"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT, settings.MEDIA_URL = str(tmp_path), "/media/"
    return tmp_path


@pytest.fixture
def storage(media):
    return TenantFileSystemStorage()


def test_each_tenant_has_its_own_folder(storage, media, acme, globex):
    with using_tenant(acme):
        assert storage.save("docs/a.txt", ContentFile(b"acme's")) == "docs/a.txt"
        assert storage.url("docs/a.txt") == f"/media/{acme.db_schema}/docs/a.txt"
    with using_tenant(globex):
        assert not storage.exists("docs/a.txt")
        storage.save("docs/a.txt", ContentFile(b"globex's"))
        assert storage.open("docs/a.txt").read() == b"globex's"
        assert storage.listdir("docs") == ([], ["a.txt"])
    assert (media / acme.db_schema / "docs" / "a.txt").read_bytes() == b"acme's"
    with using_tenant(acme):
        storage.delete("docs/a.txt")
    assert (media / globex.db_schema / "docs" / "a.txt").exists()


@pytest.mark.parametrize("name", ["../x.txt", "docs/../../x.txt", "/etc/passwd", f"..{os.sep}..{os.sep}x"])
def test_names_that_leave_the_folder_are_refused(storage, media, acme, name):
    with using_tenant(acme), pytest.raises(SuspiciousFileOperation):
        storage.save(name, ContentFile(b"x"))
    with using_tenant(acme), pytest.raises(SuspiciousFileOperation):
        storage.url(name)
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_a_symbolic_link_out_of_the_folder_is_refused(storage, media, acme, globex):
    with using_tenant(globex):
        storage.save("secret.txt", ContentFile(b"globex's secret"))
    with using_tenant(acme):
        storage.save("mine.txt", ContentFile(b"acme's"))
    os.symlink(media / globex.db_schema, media / acme.db_schema / "door")
    with using_tenant(acme):
        with pytest.raises(SuspiciousFileOperation, match="symbolic link"):
            storage.open("door/secret.txt")
        assert storage.open("mine.txt").read() == b"acme's"


def test_no_tenant_no_files(storage):
    with pytest.raises(SuspiciousFileOperation, match="has no tenant"):
        storage.save("x.txt", ContentFile(b"x"))


def test_the_folders_name(settings, media, acme, monkeypatch):
    storage = TenantFileSystemStorage(tenant=acme)  # a storage of one tenant: no current tenant needed
    storage.save("x.txt", ContentFile(b"x"))
    assert (media / acme.db_schema / "x.txt").exists()
    settings.TENANCY_FILES_PATHNAME = "tests.test_files.name_folder"
    assert storage.url("x.txt") == "/media/files-of-acme/x.txt"
    monkeypatch.setattr(Customer, "schema_pathname", lambda self: f"own-{self.pk}", raising=False)
    assert storage.url("x.txt") == f"/media/own-{acme.pk}/x.txt"  # the method wins
    monkeypatch.setattr(Customer, "schema_pathname", lambda self: "../up", raising=False)
    with pytest.raises(ImproperlyConfigured, match="cannot name the folder"):
        storage.url("x.txt")


def test_with_path_routing_urls_do_not_repeat_the_tenant(settings, storage, media, acme):
    settings.TENANCY_ROUTING = "path"
    with using_tenant(acme):
        storage.save("x.png", ContentFile(b"png"))
        assert storage.url("x.png") == "/t/acme/media/x.png"
    with routing(settings, TENANCY_ROUTING="path"):
        response = Client().get("/t/acme/media/x.png")
        assert response.status_code == 200 and b"".join(response.streaming_content) == b"png"
        assert Client().get("/t/acme/media/../x.png").status_code == 404
        assert Client().get("/t/globex/media/x.png").status_code == 404  # no such tenant here


def test_served_files_stay_in_the_tenant(settings, storage, media, acme, globex):
    with using_tenant(globex):
        storage.save("only-globex.txt", ContentFile(b"g"))
    with routing(settings):
        assert Client().get("/media/only-globex.txt", headers={"host": "acme.example.com"}).status_code == 404
        response = Client().get("/media/only-globex.txt", headers={"host": "globex.example.com"})
        assert response.status_code == 200
