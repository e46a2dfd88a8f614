"""The tracker in the admin.

Django's admin, on the public site (``http://localhost:8000/admin/``), is for the staff of the
whole service (``auth.User``, see seed_demo's ``admin`` user). It shows the global models: the
organizations here, and Django's users and groups.
"""

from django.contrib import admin
from django.utils.html import format_html

from tenancy.contrib.admin import TenantAdmin, TenantModelAdmin
from tenancy.links import tenant_url

from .models import Comment, Label, Member, Organization, Project, Ticket


@admin.register(Organization)
class OrganizationAdmin(TenantAdmin):
    # TenantAdmin: adding an organization creates its schema, a new slug renames it (schema and
    # rows move), and deleting it drops them, on every backend.
    search_fields = ["name", "slug"]
    readonly_fields = ["created"]

    def get_list_display(self, request):
        @admin.display(description="address")
        def address(organization):
            url = tenant_url(organization, request=request)  # with the scheme and port of this request
            return format_html('<a href="{}">{}</a>', url, url)

        return ["name", "slug", "schema", address, "created"]


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
