"""The tracker's pages.

The public site (``localhost``): the list of organizations and the sign-up form. Every other
page belongs to an organization (``acme.localhost``): tenancy's generic views, given the declared
model (``model = Ticket``), work on ``request.tenant``'s class of it, so a page of acme reads and
writes acme's tables only, and the id of another organization's row is a 404.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.generic import TemplateView

from tenancy.links import tenant_url
from tenancy.views import TenantCreateView, TenantDetailView, TenantListView, TenantUpdateView

from .forms import (
    CommentForm,
    LabelForm,
    MemberChangeForm,
    MemberCreationForm,
    ProjectForm,
    SignupForm,
    TicketForm,
)
from .models import Comment, Label, Member, Organization, Project, Ticket

# --- The public site ------------------------------------------------------------------------------


def home(request):
    organizations = [
        (organization, tenant_url(organization, request=request)) for organization in Organization.objects.all()
    ]
    return render(request, "tracker/home.html", {"organizations": organizations})


def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = form.save()
        except (ValidationError, DatabaseError):
            # Another sign-up took the address meanwhile, say: nothing of this one is left.
            form.add_error(None, "The organization could not be created; please try again.")
        else:
            return redirect(tenant_url(organization, "/login/?welcome=1", request=request))
    return render(request, "tracker/signup.html", {"form": form})


# --- An organization's pages ------------------------------------------------------------------------


class MemberRequiredMixin(LoginRequiredMixin):
    """Any signed-in member of the organization (sessions stay at the organization they were made at)."""


class OwnerRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """The organization's owners: its superusers."""

    def test_func(self):
        return self.request.user.is_superuser


class Dashboard(MemberRequiredMixin, TemplateView):
    template_name = "tracker/dashboard.html"

    def get_context_data(self, **kwargs):
        organization = self.request.tenant
        # The organization's classes, two ways: Model.for_tenant(), and tenant.models[Model].
        tickets = Ticket.for_tenant(organization).objects.select_related("project", "assignee")
        comments = organization.models[Comment].objects.select_related("ticket", "author")
        counts = {row["status"]: row["count"] for row in tickets.values("status").annotate(count=Count("pk"))}
        return super().get_context_data(
            **kwargs,
            status_counts=[(label, counts.get(value, 0), value) for value, label in Ticket.Status.choices],
            my_tickets=tickets.filter(assignee=self.request.user).exclude(status=Ticket.Status.DONE)[:10],
            recent_tickets=tickets[:5],
            recent_comments=comments.order_by("-created", "-pk")[:5],
        )


# Projects


class ProjectList(MemberRequiredMixin, TenantListView):
    model = Project
    ordering = ["name"]  # (Meta.ordering does not apply to queries that aggregate)

    def get_queryset(self):
        to_do = Count("tickets", filter=~Q(tickets__status=Ticket.Status.DONE))
        return super().get_queryset().annotate(ticket_count=Count("tickets"), to_do_count=to_do)


class ProjectDetail(MemberRequiredMixin, TenantDetailView):
    model = Project

    def get_context_data(self, **kwargs):
        tickets = self.object.tickets.select_related("assignee").prefetch_related("labels")
        return super().get_context_data(**kwargs, tickets=tickets)


class ProjectCreate(OwnerRequiredMixin, TenantCreateView):
    model = Project
    form_class = ProjectForm


class ProjectUpdate(OwnerRequiredMixin, TenantUpdateView):
    model = Project
    form_class = ProjectForm


# Tickets


class TicketList(MemberRequiredMixin, TenantListView):
    model = Ticket
    paginate_by = 25

    def get_queryset(self):
        tickets = super().get_queryset().select_related("project", "assignee").prefetch_related("labels")
        status = self.request.GET.get("status")
        if status in Ticket.Status.values:
            tickets = tickets.filter(status=status)
        if self.request.GET.get("mine"):
            tickets = tickets.filter(assignee=self.request.user)
        return tickets

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs, statuses=Ticket.Status.choices, status=self.request.GET.get("status", "")
        )


class TicketDetail(MemberRequiredMixin, TenantDetailView):
    model = Ticket

    def get_queryset(self):
        return super().get_queryset().select_related("project", "assignee", "reporter")

    def get_context_data(self, **kwargs):
        comments = self.object.comments.select_related("author")
        form = CommentForm(tenant=self.request.tenant)
        return super().get_context_data(**kwargs, comments=comments, comment_form=form)


class TicketCreate(MemberRequiredMixin, TenantCreateView):
    model = Ticket
    form_class = TicketForm

    def get_initial(self):
        return {**super().get_initial(), "project": self.request.GET.get("project"), "assignee": self.request.user}

    def form_valid(self, form):
        form.instance.reporter = self.request.user
        messages.success(self.request, "Ticket created.")
        return super().form_valid(form)


class TicketUpdate(MemberRequiredMixin, TenantUpdateView):
    model = Ticket
    form_class = TicketForm

    def form_valid(self, form):
        messages.success(self.request, "Ticket saved.")
        return super().form_valid(form)


# Comments


class CommentList(MemberRequiredMixin, TenantListView):
    """The organization's activity: the latest comments first."""

    model = Comment
    paginate_by = 25

    def get_queryset(self):
        return super().get_queryset().select_related("ticket", "author").order_by("-created", "-pk")


class CommentDetail(MemberRequiredMixin, TenantDetailView):
    model = Comment


class CommentCreate(MemberRequiredMixin, TenantCreateView):
    """A comment on the ticket of the URL (the form is on the ticket's page)."""

    model = Comment
    form_class = CommentForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and getattr(request, "tenant", None) is not None:
            self.ticket = get_object_or_404(Ticket.for_tenant(request.tenant), pk=kwargs["ticket"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, ticket=self.ticket)

    def form_valid(self, form):
        form.instance.ticket, form.instance.author = self.ticket, self.request.user
        return super().form_valid(form)


class CommentUpdate(MemberRequiredMixin, TenantUpdateView):
    """Members edit their own comments; owners any comment."""

    model = Comment
    form_class = CommentForm

    def get_queryset(self):
        comments = super().get_queryset()
        return comments if self.request.user.is_superuser else comments.filter(author=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, ticket=self.object.ticket)


# Labels


class LabelList(MemberRequiredMixin, TenantListView):
    model = Label
    ordering = ["name"]  # (Meta.ordering does not apply to queries that aggregate)

    def get_queryset(self):
        return super().get_queryset().annotate(ticket_count=Count("tickets"))


class LabelDetail(MemberRequiredMixin, TenantDetailView):
    model = Label

    def get_context_data(self, **kwargs):
        tickets = self.object.tickets.select_related("project", "assignee").prefetch_related("labels")
        return super().get_context_data(**kwargs, tickets=tickets)


class LabelCreate(OwnerRequiredMixin, TenantCreateView):
    model = Label
    form_class = LabelForm
    success_url = reverse_lazy("label-list")


class LabelUpdate(OwnerRequiredMixin, TenantUpdateView):
    model = Label
    form_class = LabelForm
    success_url = reverse_lazy("label-list")


# Members (the organization's users)


class MemberList(MemberRequiredMixin, TenantListView):
    model = Member
    ordering = ["username"]  # (Meta.ordering does not apply to queries that aggregate)

    def get_queryset(self):
        to_do = Count("assigned_tickets", filter=~Q(assigned_tickets__status=Ticket.Status.DONE))
        return super().get_queryset().filter(is_active=True).annotate(to_do_count=to_do)


class MemberDetail(MemberRequiredMixin, TenantDetailView):
    model = Member

    def get_context_data(self, **kwargs):
        tickets = self.object.assigned_tickets.select_related("project").prefetch_related("labels")
        return super().get_context_data(**kwargs, tickets=tickets)


class MemberCreate(OwnerRequiredMixin, TenantCreateView):
    model = Member
    form_class = MemberCreationForm

    def get_success_url(self):
        return reverse("member-detail", kwargs={"pk": self.object.pk})


class MemberUpdate(OwnerRequiredMixin, TenantUpdateView):
    model = Member
    form_class = MemberChangeForm

    def get_success_url(self):
        return reverse("member-detail", kwargs={"pk": self.object.pk})
