"""Forms: the public sign-up, and model forms of the tenant models.

A ``TenantModelForm`` is declared once on the declared model (``Ticket``) and bound to an
organization's class when used: tenancy's views do that with ``request.tenant``, so the choices
of ``project``, ``assignee`` and ``labels`` are that organization's rows, and another
organization's primary key is refused as an invalid choice.
"""

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from tenancy.forms import TenantModelForm

from .models import Comment, Label, Member, Organization, Project, Ticket


class PasswordsMixin:
    """Two password fields that must match and pass AUTH_PASSWORD_VALIDATORS."""

    def clean_password2(self):
        password1, password2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise ValidationError("The two passwords differ.", code="password_mismatch")
        if password2:
            password_validation.validate_password(password2)
        return password2


def password_fields():
    return (
        forms.CharField(
            label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
        ),
        forms.CharField(
            label="Password again", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
        ),
    )


class SignupForm(PasswordsMixin, forms.Form):
    """A new organization and its first user, its owner.

    Everything is checked before anything is created: the organization's fields as its model
    checks them (the slug's format, that it is free), the schema name tenancy would give it,
    the username and the password. ``save()`` then creates both in one transaction.
    """

    name = forms.CharField(label="Organization", max_length=100)
    slug = forms.CharField(
        label="Address",
        max_length=30,
        help_text="Lowercase letters, digits and hyphens: acme is at acme.localhost.",
    )
    username = forms.CharField(max_length=150, help_text="Your username in the organization.")
    email = forms.EmailField()
    password1, password2 = password_fields()

    def clean_slug(self):
        return self.cleaned_data["slug"].strip().lower()

    def clean_username(self):
        username = self.cleaned_data["username"]
        # The validators of AbstractTenantUser.username: the same as Django's User.
        for validator in Member._meta.get_field("username").validators:
            validator(username)
        return username

    def clean(self):
        cleaned = super().clean()
        if "name" in cleaned and "slug" in cleaned:
            organization = Organization(name=cleaned["name"], slug=cleaned["slug"])
            try:
                organization.full_clean()  # the slug's validators, and that it is free
                organization.validate_schema()  # a valid schema name that nothing else uses
            except ValidationError as error:
                for field, messages in error.update_error_dict({}).items():
                    self.add_error(field if field in ("name", "slug") else "slug", messages)
        return cleaned

    def save(self) -> Organization:
        data = self.cleaned_data
        return Organization.objects.create_with_owner(
            name=data["name"],
            slug=data["slug"],
            username=data["username"],
            email=data["email"],
            password=data["password1"],
        )


class ProjectForm(TenantModelForm):
    class Meta:
        model = Project
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class LabelForm(TenantModelForm):
    class Meta:
        model = Label
        fields = ["name", "color"]
        widgets = {"color": forms.TextInput(attrs={"type": "color"})}


class TicketForm(TenantModelForm):
    class Meta:
        model = Ticket
        fields = ["project", "title", "description", "status", "priority", "assignee", "labels"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "labels": forms.CheckboxSelectMultiple,
        }


class CommentForm(TenantModelForm):
    class Meta:
        model = Comment
        fields = ["body"]
        labels = {"body": "Comment"}
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}


class MemberCreationForm(PasswordsMixin, TenantModelForm):
    """A new user of the organization, added by an owner."""

    owner = forms.BooleanField(required=False, help_text="Owners manage projects, labels and members.")
    password1, password2 = password_fields()

    class Meta:
        model = Member
        fields = ["username", "email", "first_name", "last_name"]

    def save(self, commit=True):
        member = super().save(commit=False)
        member.set_password(self.cleaned_data["password1"])
        member.is_staff = member.is_superuser = self.cleaned_data["owner"]
        if commit:
            member.save()
        return member


class MemberChangeForm(TenantModelForm):
    class Meta:
        model = Member
        fields = ["first_name", "last_name", "email"]
