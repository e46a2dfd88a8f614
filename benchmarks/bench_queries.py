"""Query overhead: the same queries through a tenant's class and through an ordinary Django model.

The tenant's CRM tables and the plain ``plaincrm`` tables (the same 10 models as ordinary Django
models) are filled with the same rows, then three queries run against both, interleaved round by
round in the same process:

* get by pk:   ``Contact.objects.get(pk=...)``
* filter:      ``list(Task.objects.filter(project_id=...))``, 10 rows
* insert:      ``Comment.objects.create(task_id=..., author_id=..., body=...)`` (autocommit)

The tenant side is written as application code writes it, ``Contact.for_tenant(tenant).objects...``,
so the class lookup is part of what is timed. Each figure is the median over ``--rounds`` samples,
each the mean of ``--number`` executions (garbage collector on). The ratio is tenant / plain,
computed round by round (the two sides of a round ran back to back) and reported as the median
of those ratios, with their interquartile range; target: at most 1.05. The ratio of the two
medians is shown too: it is the more sensitive to a change of load during the run. The number of
SQL statements each query runs is counted with ``CaptureQueriesContext`` for both; they must be
equal. Runs on the configured backend: SQLite by default, PostgreSQL with DATABASE_URL set.

    python benchmarks/bench_queries.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/bench_queries.py
"""

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402

ACCOUNTS = 20
CONTACTS_PER_ACCOUNT = 10
PROJECTS_PER_ACCOUNT = 5
TASKS_PER_PROJECT = 10  # the filter query returns one project's tasks


def populate(models: dict, currency) -> None:
    """Fill one copy of the CRM app (tenant or plain classes, by model name) with the same rows."""
    Account, Contact, Project, Task, Tag = (models[name] for name in ("Account", "Contact", "Project", "Task", "Tag"))
    accounts = Account.objects.bulk_create(
        Account(name=f"Account {i}", slug=f"account-{i}", industry="software") for i in range(ACCOUNTS)
    )
    contacts = Contact.objects.bulk_create(
        Contact(account=account, first_name=f"First {j}", last_name=f"Last {j}", email=f"c{j}@a{account.pk}.example")
        for account in accounts
        for j in range(CONTACTS_PER_ACCOUNT)
    )
    projects = Project.objects.bulk_create(
        Project(account=account, name=f"Project {j}") for account in accounts for j in range(PROJECTS_PER_ACCOUNT)
    )
    tags = Tag.objects.bulk_create(Tag(name=f"tag-{i}") for i in range(10))
    tasks = Task.objects.bulk_create(
        Task(project=project, assignee=contacts[(p * TASKS_PER_PROJECT + j) % len(contacts)], title=f"Task {j}")
        for p, project in enumerate(projects)
        for j in range(TASKS_PER_PROJECT)
    )
    Task.tags.through.objects.bulk_create(
        Task.tags.through(task=task, tag=tags[i % len(tags)]) for i, task in enumerate(tasks)
    )
    Product, Invoice = models["Product"], models["Invoice"]
    Product.objects.bulk_create(
        Product(sku=f"SKU-{i}", name=f"Product {i}", unit_price=10, currency=currency) for i in range(10)
    )
    Invoice.objects.bulk_create(
        Invoice(
            account=account, number=f"INV-{account.pk}", currency=currency, issued_on="2025-01-01", due_on="2025-02-01"
        )
        for account in accounts
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=101, help="samples per case (default 101)")
    parser.add_argument("--number", type=int, default=50, help="executions per sample (default 50)")
    parser.add_argument("--show-sql", action="store_true", help="print the SQL of each query, both sides")
    args = parser.parse_args()

    harness.setup()
    harness.describe("bench_queries.py", sys.argv[1:])

    from django.apps import apps
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benchmarks.crm import models as crm
    from benchmarks.shared.models import Currency, Customer

    currency = Currency.objects.create(code="EUR", name="Euro")
    tenant = Customer.objects.create(name="acme")
    names = ["Account", "Contact", "Tag", "Project", "Task", "Comment", "Product", "Invoice", "InvoiceLine"]
    tenant_models = {name: getattr(crm, name).for_tenant(tenant) for name in names}
    plain_models = {name: apps.get_model("plaincrm", name) for name in names}
    populate(tenant_models, currency)
    populate(plain_models, currency)

    PlainContact, PlainTask, PlainComment = (plain_models[name] for name in ("Contact", "Task", "Comment"))
    Contact, Task, Comment = crm.Contact, crm.Task, crm.Comment
    contact_pk = PlainContact.objects.order_by("pk")[57].pk
    task = PlainTask.objects.order_by("pk")[123]
    project_pk, task_pk = task.project_id, task.pk
    # Both copies got the same rows in the same order, hence the same keys.
    assert Contact.for_tenant(tenant).objects.get(pk=contact_pk).email == PlainContact.objects.get(pk=contact_pk).email
    assert Task.for_tenant(tenant).objects.get(pk=task_pk).title == task.title

    queries = {
        "get by pk": (
            lambda: Contact.for_tenant(tenant).objects.get(pk=contact_pk),
            lambda: PlainContact.objects.get(pk=contact_pk),
        ),
        "filter, 10 rows": (
            lambda: list(Task.for_tenant(tenant).objects.filter(project_id=project_pk)),
            lambda: list(PlainTask.objects.filter(project_id=project_pk)),
        ),
        "insert": (
            lambda: Comment.for_tenant(tenant).objects.create(task_id=task_pk, author_id=contact_pk, body="Looks good"),
            lambda: PlainComment.objects.create(task_id=task_pk, author_id=contact_pk, body="Looks good"),
        ),
    }
    assert len(queries["filter, 10 rows"][0]()) == len(queries["filter, 10 rows"][1]()) == TASKS_PER_PROJECT

    counts = {}
    for query, (tenant_fn, plain_fn) in queries.items():
        captured = []
        for fn in (tenant_fn, plain_fn):
            with CaptureQueriesContext(connection) as context:
                fn()
            captured.append([q["sql"] for q in context.captured_queries])
        counts[query] = [len(sqls) for sqls in captured]
        if args.show_sql:
            print(f"{query}:\n  tenant: {captured[0]}\n  plain:  {captured[1]}\n")

    cases = {}
    for query, (tenant_fn, plain_fn) in queries.items():
        cases[(query, "tenant")] = tenant_fn
        cases[(query, "plain")] = plain_fn
    for fn in cases.values():  # warm up: statement caches, connection, code paths
        for _ in range(args.number):
            fn()
    samples = harness.interleaved(cases, rounds=args.rounds, number=args.number, collect_garbage=True)

    rows = []
    worst = 0.0
    for query in queries:
        tenant_t, plain_t = samples[(query, "tenant")], samples[(query, "plain")]
        paired = [a / b for a, b in zip(tenant_t, plain_t, strict=True)]
        q1, ratio, q3 = statistics.quantiles(paired, n=4)
        worst = max(worst, ratio)
        n_tenant, n_plain = counts[query]
        rows.append(
            [
                query,
                harness.us(harness.median(tenant_t)),
                harness.us(harness.median(plain_t)),
                f"{ratio:.3f}",
                f"{q1:.3f}-{q3:.3f}",
                f"{harness.median(tenant_t) / harness.median(plain_t):.3f}",
                f"{n_tenant} / {n_plain}" + ("" if n_tenant == n_plain else "  DIFFER"),
            ]
        )
    print(f"{harness.vendor()}: median of {args.rounds} rounds x {args.number} executions, interleaved")
    harness.table(
        ["query", "tenant class", "plain model", "ratio", "ratio IQR", "ratio of medians", "SQL statements"], rows
    )
    same_counts = all(a == b for a, b in counts.values())
    print(
        f"target: ratio <= 1.05 for every query: {harness.verdict(worst <= 1.05)} (worst {worst:.3f}); "
        f"equal statement counts: {harness.verdict(same_counts)}"
    )


if __name__ == "__main__":
    main()
