"""The test app: one tenant model and tenant models covering every kind of relation and option."""

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models

from tenancy.models import AbstractTenant, TenantModel


class PlanManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Plan(models.Model):
    """A global model the tenant model points to (createtenant --plan), with a natural key."""

    name = models.CharField(max_length=40, unique=True)

    objects = PlanManager()

    def natural_key(self):
        return (self.name,)

    def __str__(self):
        return self.name


class Customer(AbstractTenant):
    name = models.SlugField(max_length=80, unique=True)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="customers")

    def natural_key(self):
        return (self.name,)

    def has_member(self, user):
        """Global users belong to a tenant through tests.members' Membership (tenancy.contrib.auth)."""
        return self.memberships.filter(user=user).exists()

    def __str__(self):
        return self.name


class ProductQuerySet(models.QuerySet):
    def cheap(self):
        return self.filter(price__lt=10)


class ProductManager(models.Manager.from_queryset(ProductQuerySet)):
    pass


class ArchivedManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(archived=True)


class Product(TenantModel):
    name = models.CharField(max_length=100)
    price = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    archived = models.BooleanField(default=False)

    comments = GenericRelation("Comment", related_query_name="product")

    objects = ProductManager()
    archived_objects = ArchivedManager()

    class Meta:
        ordering = ["name"]
        verbose_name = "produit"
        verbose_name_plural = "produits"
        indexes = [models.Index(fields=["name"], name="shop_product_name_idx")]
        constraints = [models.CheckConstraint(condition=models.Q(price__gte=0), name="shop_product_price_gte_0")]

    class TenantMeta:
        related_name = "products"

    def __str__(self):
        return self.name

    @property
    def display_price(self):
        return f"{self.price} EUR"

    def discounted(self, percent):
        return self.price * (100 - percent) / 100


class Tag(TenantModel):
    label = models.CharField(max_length=30, unique=True)


class Order(TenantModel):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="orders")
    buyer = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    tags = models.ManyToManyField(Tag, blank=True)
    groups = models.ManyToManyField("auth.Group", blank=True, related_name="%(app_label)s_%(class)s_orders")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    quantity = models.PositiveIntegerField(default=1)


class Invoice(TenantModel):
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="invoice")
    number = models.CharField(max_length=20)
    series = models.CharField(max_length=4, default="A")
    approver = models.OneToOneField("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        db_table = "shop_invoices"
        unique_together = [("series", "number")]


class Warehouse(TenantModel):
    name = models.CharField(max_length=50)
    products = models.ManyToManyField(Product, through="Stock", related_name="warehouses")


class Stock(TenantModel):
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE)
    product = models.ForeignKey("shop.Product", on_delete=models.CASCADE)
    quantity = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["warehouse", "product"], name="shop_stock_unique")]


class Timestamped(TenantModel):
    """A template: abstract, so it is no tenant model itself, but its subclasses are."""

    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created"]


class Note(Timestamped):
    body = models.TextField()
    author = models.ForeignKey("auth.User", null=True, on_delete=models.SET_NULL, related_name="+")


class CheapProductManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(price__lt=10)


class CheapProduct(Product):
    """A proxy of a tenant model."""

    objects = CheapProductManager()

    class Meta:
        proxy = True
        ordering = ["-price"]

    def is_bargain(self):
        return self.price < 5


class DigitalProduct(Product):
    """Multi-table inheritance between tenant models."""

    download_url = models.URLField()


class Comment(TenantModel):
    """Generic relations: a comment on any object, tenant model or global model."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    body = models.TextField()
