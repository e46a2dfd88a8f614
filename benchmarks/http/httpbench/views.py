"""The one view every variant serves: the first 10 contacts by primary key, as JSON.

The peer project (``benchmarks/peer_django_tenants/web/views.py``) renders its contacts with the
same code, so that every variant does the same work once it has its model.
"""

from django.http import JsonResponse

from benchmarks.crm.models import Contact
from benchmarks.plaincrm.models import Contact as PlainContact

ROWS = 10


def render_contacts(model) -> JsonResponse:
    """The first ``ROWS`` contacts of ``model`` by primary key, loaded as model instances, as JSON."""
    contacts = [
        {"id": c.pk, "first_name": c.first_name, "last_name": c.last_name, "email": c.email}
        for c in model.objects.order_by("pk")[:ROWS]
    ]
    return JsonResponse({"contacts": contacts})


def plain_contacts(request):
    """Plain Django: the one ``plaincrm_contact`` table, whatever the host."""
    return render_contacts(PlainContact)


def tenant_contacts(request):
    """tenancy: the contacts of the request's tenant, in its schema."""
    return render_contacts(Contact.for_tenant(request.tenant))


def public(request):
    """The public site (no tenant), which the benchmark does not load."""
    return JsonResponse({"site": "public"})
