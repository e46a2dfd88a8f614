from django.db import models


class Review(models.Model):
    """A global model pointing at a tenant model: refused at start-up."""

    product = models.ForeignKey("shop.Product", on_delete=models.CASCADE)
