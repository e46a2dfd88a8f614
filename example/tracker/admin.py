"""The tracker in the admin.

Django's admin, on the public site (``http://localhost:8000/admin/``), is for the staff of the
whole service (``auth.User``, see seed_demo's ``admin`` user). It shows the global models: the
organizations here, and Django's users and groups.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from tenancy.contrib.admin import TenantModelAdmin
from tenancy.links import tenant_url

from .models import Comment, Label, Member, Organization, Project, Ticket


class OrganizationForm(forms.ModelForm):
    def _post_clean(self):
        super()._post_clean()  # the model's validation: the slug's format, and that it is free
        if self.instance._state.adding and not self.errors:
            try:
                self.instance.validate_schema()  # the schema name tenancy would create is valid and unused
            except ValidationError as error:
                self.add_error("slug", error)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationForm
    search_fields = ["name", "slug"]
    readonly_fields = ["created"]

    def get_list_display(self, request):
        @admin.display(description="address")
        def address(organization):
            url = tenant_url(organization, request=request)  # with the scheme and port of this request
            return format_html('<a href="{}">{}</a>', url, url)

        return ["name", "slug", "schema", address, "created"]

    @admin.display(description="schema or table prefix")
    def schema(self, organization):
        return organization.db_schema

    def get_readonly_fields(self, request, obj=None):
        # The slug names the organization's schema, which a save never moves.
        return [*self.readonly_fields, "slug"] if obj is not None else self.readonly_fields


# --- Tenant models ------------------------------------------------------------------------------
#
# Member, Project, Label, Ticket and Comment are declared tenant models, registered once: at
# http://acme.localhost:8000/admin/ the admin shows acme's rows to acme's owners; at
# http://localhost:8000/admin/ the service's staff choose the organization in the header.


@admin.register(Project)
class ProjectAdmin(TenantModelAdmin):
    list_display = ["name", "created"]
    search_fields = ["name", "description"]


@admin.register(Label)
class LabelAdmin(TenantModelAdmin):
    list_display = ["name", "color"]
    search_fields = ["name"]


class CommentInline(admin.TabularInline):
    model = Comment  # the declared model: each organization's admin uses its own Comment
    fields = ["author", "body", "created"]
    readonly_fields = ["created"]
    extra = 0


@admin.register(Ticket)
class TicketAdmin(TenantModelAdmin):
    list_display = ["title", "project", "status", "priority", "assignee", "updated"]
    list_filter = ["status", "priority", "project", "labels"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["project"]
    filter_horizontal = ["labels"]
    inlines = [CommentInline]
    actions = ["mark_done"]

    @admin.action(description="Mark the selected tickets done")
    def mark_done(self, request, queryset):
        done = queryset.exclude(status=Ticket.Status.DONE).update(status=Ticket.Status.DONE)
        self.message_user(request, f"{done} ticket(s) marked done.")


@admin.register(Comment)
class CommentAdmin(TenantModelAdmin):
    list_display = ["ticket", "author", "created"]
    search_fields = ["body"]


@admin.register(Member)
class MemberAdmin(TenantModelAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_superuser", "is_active"]
    list_filter = ["is_superuser", "is_active"]
    search_fields = ["username", "email", "first_name", "last_name"]
    exclude = ["password", "user_permissions"]
