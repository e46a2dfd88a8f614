"""The view of the peer's variants: the first 10 contacts by primary key, as JSON.

The same code as tenancy's side (``benchmarks/http/httpbench/views.py``), over the one
``crm.Contact`` model, whose table the connection's search path picks.
"""

from crm.models import Contact
from django.http import JsonResponse

ROWS = 10


def render_contacts(model) -> JsonResponse:
    """The first ``ROWS`` contacts of ``model`` by primary key, loaded as model instances, as JSON."""
    contacts = [
        {"id": c.pk, "first_name": c.first_name, "last_name": c.last_name, "email": c.email}
        for c in model.objects.order_by("pk")[:ROWS]
    ]
    return JsonResponse({"contacts": contacts})


def contacts(request):
    return render_contacts(Contact)
