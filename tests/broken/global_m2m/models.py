from django.db import models

from tests.shop.models import Tag


class Board(models.Model):
    tags = models.ManyToManyField(Tag)
