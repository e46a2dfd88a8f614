"""A load of concurrent, interleaved requests to many tenants, and what their answers must be.

:func:`plan` draws the requests (tenant and view at random, every tenant many times over);
:func:`fire` sends them from many threads at once to a server, each request on a connection of its
own, addressed to its tenant's subdomain; :func:`problems` lists everything wrong in the answers.
Each answer must be a 200 for the tenant asked, carry its seeded rows and the rows it wrote, and
no row of any other tenant's.
"""

from __future__ import annotations

import http.client
import json
import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

# The views of tests/served/urls.py and how often each is drawn.
VIEWS = {"rows": 3, "arows": 3, "write": 2, "awrite": 2, "pair": 1}
WRITING = {"write", "awrite", "pair"}


@dataclass(frozen=True)
class Call:
    """One request: ``view`` of ``tenant`` (and of ``other``, for "pair"); ``label`` names what it writes."""

    tenant: str
    view: str
    label: str
    other: str | None = None

    @property
    def path(self) -> str:
        path = f"/pair/{self.other}/" if self.other else f"/{self.view}/"
        return path + (f"?label={self.label}" if self.view in WRITING else "")

    @property
    def method(self) -> str:
        return "POST" if self.view in WRITING else "GET"

    def rows_written(self) -> dict[str, str]:
        """The row names this call writes, by the tenant whose table they go to."""
        if self.view not in WRITING:
            return {}
        return {tenant: f"{tenant}/{self.label}" for tenant in (self.tenant, self.other) if tenant}


@dataclass
class Reply:
    call: Call
    status: int
    body: dict = field(default_factory=dict)
    error: str = ""


def plan(tenants: list[str], count: int, run: str, seed: int = 0) -> list[Call]:
    """``count`` calls: the tenants round after round, each round in another random order, each call to
    a random view; labels are ``<run>-<number>``, unique in the run."""
    rng = random.Random(seed)
    order: list[str] = []
    while len(order) < count:
        order += rng.sample(tenants, len(tenants))
    views, weights = list(VIEWS), list(VIEWS.values())
    calls = []
    for number, tenant in enumerate(order[:count]):
        view = rng.choices(views, weights)[0]
        other = rng.choice([name for name in tenants if name != tenant]) if view == "pair" else None
        calls.append(Call(tenant, view, f"{run}-{number}", other))
    return calls


def send(port: int, call: Call, timeout: float = 60) -> Reply:
    """Send ``call`` to 127.0.0.1:``port`` as ``<tenant>.example.com``, on a connection of its own."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(call.method, call.path, headers={"Host": f"{call.tenant}.example.com"})
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
    except (OSError, http.client.HTTPException) as error:
        return Reply(call, 0, error=f"{type(error).__name__}: {error}")
    finally:
        connection.close()
    try:
        return Reply(call, response.status, json.loads(text))
    except ValueError:
        return Reply(call, response.status, error=" ".join(text.split())[:300])


def fire(port: int, calls: list[Call], clients: int) -> list[Reply]:
    """Send every call, ``clients`` at a time; the replies in the calls' order."""
    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(lambda call: send(port, call), calls))


def foreign_rows(tenant: str, rows: list[str]) -> list[str]:
    """The rows among ``rows`` that are not marked as ``tenant``'s."""
    return [row for row in rows if not row.startswith(f"{tenant}/")]


def problems(replies: list[Reply], seeds: list[str]) -> list[str]:
    """What is wrong with the replies: one line per problem; empty when all is well.

    ``seeds``: the labels of the rows every tenant was given before the servers started.
    """
    found = []
    for reply in replies:
        call, body = reply.call, reply.body
        where = f"{call.method} {call.tenant}.example.com{call.path}"
        if reply.status != 200 or reply.error:
            found.append(f"{where}: status {reply.status} {reply.error}")
            continue
        if body.get("tenant") != call.tenant:
            found.append(f"{where}: served as tenant {body.get('tenant')!r}")
        tables = {call.tenant: body.get("rows", [])}
        if call.other:
            tables[call.other] = body.get("other_rows", [])
        for tenant, rows in tables.items():
            if foreign := foreign_rows(tenant, rows):
                found.append(f"{where}: {len(foreign)} rows of other tenants in {tenant}'s table: {foreign[:5]}")
            if missing := {f"{tenant}/{label}" for label in seeds} - set(rows):
                found.append(f"{where}: {tenant}'s seeded rows {sorted(missing)} are missing")
        for tenant, name in call.rows_written().items():
            if name not in tables[tenant] or name not in body.get("written", []):
                found.append(f"{where}: the row {name!r} it wrote is not in what it read back")
    return found


def cross_tenant_rows(replies: list[Reply]) -> int:
    """How many rows, in all the replies, belong to a tenant other than the one whose table they were read from."""
    total = 0
    for reply in replies:
        total += len(foreign_rows(reply.call.tenant, reply.body.get("rows", [])))
        if reply.call.other:
            total += len(foreign_rows(reply.call.other, reply.body.get("other_rows", [])))
    return total


def statuses(replies: list[Reply]) -> Counter:
    return Counter(reply.status for reply in replies)
