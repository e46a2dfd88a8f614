"""An app whose tenant models went through every kind of migration operation (see migrations/).

Its models are the state the migrations end at. It also has a global model, Publisher, so that
a global and tenant models share an app and its migrations.
"""

from django.conf import settings
from django.db import models

from tenancy.models import TenantModel


class Publisher(models.Model):
    name = models.CharField(max_length=100, unique=True)


class Shelf(TenantModel):
    code = models.CharField(max_length=20)
    floor = models.IntegerField(default=0)

    class Meta:
        db_table = "evolve_shelves"
        ordering = ["code"]
        unique_together = [("code", "floor")]


class BookManager(models.Manager):
    use_in_migrations = True


class Book(TenantModel):
    title = models.CharField(max_length=200)
    rack = models.ForeignKey(Shelf, on_delete=models.CASCADE)
    isbn = models.CharField(max_length=13, blank=True, default="", help_text="ISBN-13")
    slug = models.SlugField(default="")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = BookManager()

    class Meta:
        indexes = [models.Index(fields=["title"], name="evolve_book_title_idx")]
        constraints = [models.CheckConstraint(condition=~models.Q(title=""), name="evolve_book_has_title")]
