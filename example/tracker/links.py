"""Links to an organization's pages from elsewhere (the public site, the admin, a command)."""

from urllib.parse import urlsplit, urlunsplit

from django.http.request import split_domain_port

from tenancy.links import tenant_url


def organization_url(organization, path: str = "/", request=None, port: int | str | None = None) -> str:
    """The URL of ``path`` at ``organization``: ``http://acme.localhost:8000/tickets/``.

    tenancy's ``tenant_url()`` makes the host from the routing settings (``acme.localhost``); the
    scheme and the port are those of ``request`` (the development server's :8000, as the browser
    asked for it), or ``port``.
    """
    url = tenant_url(organization, path, scheme=request.scheme if request is not None else "http")
    if port is None and request is not None:
        port = split_domain_port(request.get_host())[1]
    if not port:
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{parts.hostname}:{port}"))
