from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from tenancy.context import current_tenant
from tests.shop.models import Product


class TenantEcho(AsyncWebsocketConsumer):
    """Answers each message with the tenant of the connection and the names of its products."""

    async def connect(self):
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        tenant = self.scope["tenant"]
        names = await database_sync_to_async(
            lambda: sorted(Product.for_tenant(tenant).objects.values_list("name", flat=True))
        )()
        current = current_tenant()
        await self.send(f"{tenant.name} {self.scope['path']} {names} current={current} {text_data}")


class PublicEcho(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        await self.send(f"public tenant={self.scope['tenant']} {text_data}")
