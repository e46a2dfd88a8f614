"""The benchmarks' three copies of the CRM workload are the workload's models, statement for statement.

The workload is ``shared/workload/crm_models.py``, beside the repository root (``TENANCY_WORKLOAD``
overrides the path). The benchmarks keep three copies of its 10 models:

* ``benchmarks/crm/models.py``: the same classes with ``TenantModel`` as their base;
* ``benchmarks/plaincrm/models.py``: a verbatim copy (``models.Model``);
* ``benchmarks/fresh_models.py``: the same class statements inside ``define_models()``, each Meta
  adding ``apps = registry`` and ``app_label = label``.

The files are compared with ``ast`` (no import, no database): for every workload class, the class
of the same name in each copy must have the same base (modulo the allowed ``TenantModel``), the same
field assignments in the same order (``ast.dump`` ignores line numbers and indentation, so a model
reference such as ``ForeignKey(Account, ...)`` must be the same name in the copy) and the same Meta
entries (``indexes``, ``constraints``, anything else). Nothing may be extra in a copy: no class, no
field, no Meta entry, except the two Meta entries of ``fresh_models.py``.

The workload points at ``"shared.Currency"`` without defining it (its docstring: Currency lives in a
shared app outside the tenant app), so there are no Currency fields to compare: the test checks that
``benchmarks/shared`` (app label ``shared``) defines a plain, global ``Currency`` model and that no
copy defines one of its own.
"""

import ast
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BENCHMARKS = REPO / "benchmarks"
DEFAULT_WORKLOAD = Path(__file__).resolve().parents[2] / "shared" / "workload" / "crm_models.py"

PLAIN_BASE = "models.Model"
TENANT_BASE = "TenantModel"
FRESH_FUNCTION = "define_models"
FRESH_META_EXTRAS = {"apps": "registry", "app_label": "label"}


@dataclass(frozen=True)
class Copy:
    path: str  # relative to the repository root
    base: str  # the base class every model of the copy must have
    function: str | None = None  # the classes are defined in this function's body, not at module level
    meta_extras: tuple = ()  # (name, value source) Meta entries every class must add


COPIES = {
    "crm": Copy("benchmarks/crm/models.py", TENANT_BASE),
    "plaincrm": Copy("benchmarks/plaincrm/models.py", PLAIN_BASE),
    "fresh": Copy("benchmarks/fresh_models.py", PLAIN_BASE, FRESH_FUNCTION, tuple(FRESH_META_EXTRAS.items())),
}


def workload_path():
    override = os.environ.get("TENANCY_WORKLOAD")
    return Path(override) if override else DEFAULT_WORKLOAD


def workload_source():
    path = workload_path()
    if not path.is_file():
        origin = "TENANCY_WORKLOAD" if os.environ.get("TENANCY_WORKLOAD") else "the default location"
        pytest.skip(
            f"benchmark workload not found at {path} (from {origin}): the workload repository's "
            "shared/workload/crm_models.py must sit beside the repository root, or TENANCY_WORKLOAD name it"
        )
    return path.read_text()


# --- Reading class statements -----------------------------------------------------------------------


def _is_docstring(node):
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def _member_name(node):
    """The name a class-body statement binds (``None`` when it binds no single name)."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return node.name
    return None


def _members(body, where):
    """Map each statement of a class body to its name: ``{name: node}``, in order, docstrings left out.

    A statement that binds no single name (``a = b = ...``, a bare expression...) is kept under a
    ``<statement N>`` key so that it still has to be matched by the other side.
    """
    members = {}
    for index, node in enumerate(body):
        if _is_docstring(node) or isinstance(node, ast.Pass):
            continue
        name = _member_name(node) or f"<statement {index}: {ast.unparse(node)}>"
        if name in members:
            raise AssertionError(f"{where}: {name!r} is assigned twice")
        members[name] = node
    return members


def _value(node):
    """What a member is, for comparison: the assigned expression, or the whole statement."""
    if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
        return node.value
    return node


def _same(left, right):
    return ast.dump(_value(left)) == ast.dump(_value(right))


def model_classes(source, function=None, filename="<source>"):
    """The classes a source defines, ``{name: ClassDef}``: at module level, or in ``function``'s body."""
    tree = ast.parse(source, filename=filename)
    body = tree.body
    if function is not None:
        functions = [node for node in body if isinstance(node, ast.FunctionDef) and node.name == function]
        if not functions:
            raise AssertionError(f"{filename}: no function {function}() defining the models")
        body = functions[0].body
    return {node.name: node for node in body if isinstance(node, ast.ClassDef)}


# --- Comparing ---------------------------------------------------------------------------------------


def _split_meta(cls):
    """``(fields, meta)``: the class's members other than Meta, and Meta's members (``{}`` without Meta)."""
    members = _members(cls.body, cls.name)
    meta = members.pop("Meta", None)
    if meta is None:
        return members, {}
    if not isinstance(meta, ast.ClassDef):
        raise AssertionError(f"{cls.name}.Meta is not a class")
    return members, _members(meta.body, f"{cls.name}.Meta")


def _describe(node):
    return ast.unparse(_value(node))


def compare_class(workload_cls, copy_cls, copy, label):
    """The differences between a workload class and the copy's class of the same name (a list of lines)."""
    name = workload_cls.name
    problems = []

    workload_bases = [ast.unparse(base) for base in workload_cls.bases]
    if workload_bases != [PLAIN_BASE]:
        problems.append(f"{label}: workload class {name} has bases {workload_bases}, expected [{PLAIN_BASE!r}]")
    copy_bases = [ast.unparse(base) for base in copy_cls.bases]
    if copy_bases != [copy.base]:
        problems.append(f"{label}: class {name} has bases {copy_bases}, expected [{copy.base!r}]")
    for what in ("keywords", "decorator_list"):
        left = [ast.dump(node) for node in getattr(workload_cls, what)]
        right = [ast.dump(node) for node in getattr(copy_cls, what)]
        if left != right:
            problems.append(f"{label}: class {name} {what} differ from the workload's")

    workload_fields, workload_meta = _split_meta(workload_cls)
    copy_fields, copy_meta = _split_meta(copy_cls)

    for field, node in workload_fields.items():
        if field not in copy_fields:
            problems.append(f"{label}: {name}.{field} is missing (workload: {field} = {_describe(node)})")
        elif not _same(node, copy_fields[field]):
            problems.append(
                f"{label}: {name}.{field} differs\n"
                f"    workload: {field} = {_describe(node)}\n"
                f"    copy:     {field} = {_describe(copy_fields[field])}"
            )
    for field, node in copy_fields.items():
        if field not in workload_fields:
            problems.append(f"{label}: {name}.{field} is not in the workload (copy: {field} = {_describe(node)})")
    common = [field for field in workload_fields if field in copy_fields]
    copy_order = [field for field in copy_fields if field in workload_fields]
    if common != copy_order:
        problems.append(
            f"{label}: {name} fields are in another order\n    workload: {common}\n    copy:     {copy_order}"
        )

    extras = dict(copy.meta_extras)
    for entry, expected in extras.items():
        if entry in workload_meta:
            problems.append(f"{label}: workload class {name}.Meta sets {entry}, which the copy must add itself")
        elif entry not in copy_meta:
            problems.append(f"{label}: {name}.Meta lacks {entry} = {expected}")
        elif _describe(copy_meta[entry]) != expected:
            problems.append(
                f"{label}: {name}.Meta.{entry} = {_describe(copy_meta[entry])}, expected {entry} = {expected}"
            )
    for entry, node in workload_meta.items():
        if entry not in copy_meta:
            problems.append(f"{label}: {name}.Meta.{entry} is missing (workload: {entry} = {_describe(node)})")
        elif not _same(node, copy_meta[entry]):
            problems.append(
                f"{label}: {name}.Meta.{entry} differs\n"
                f"    workload: {entry} = {_describe(node)}\n"
                f"    copy:     {entry} = {_describe(copy_meta[entry])}"
            )
    for entry, node in copy_meta.items():
        if entry not in workload_meta and entry not in extras:
            problems.append(f"{label}: {name}.Meta.{entry} is not in the workload (copy: {entry} = {_describe(node)})")
    return problems


def compare(workload_src, copy_src, copy, label=None):
    """Every difference between the workload's models and a copy's, as readable lines ([] when identical)."""
    label = label or copy.path
    workload = model_classes(workload_src, filename="crm_models.py")
    try:
        copied = model_classes(copy_src, copy.function, filename=label)
    except AssertionError as error:
        return [str(error)]
    problems = []
    for name, cls in workload.items():
        if name not in copied:
            problems.append(f"{label}: class {name} is missing")
        else:
            problems.extend(compare_class(cls, copied[name], copy, label))
    for name in copied:
        if name not in workload:
            problems.append(f"{label}: class {name} is not in the workload")
    workload_order = [name for name in workload if name in copied]
    copy_order = [name for name in copied if name in workload]
    if workload_order != copy_order:
        problems.append(
            f"{label}: classes are in another order\n    workload: {workload_order}\n    copy:     {copy_order}"
        )
    return problems


def model_string_references(source):
    """The ``"app_label.Model"`` strings a source passes as the first argument of a relation field."""
    references = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"ForeignKey", "OneToOneField", "ManyToManyField"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            references.add(node.args[0].value)
    return references


def _fail(problems):
    if problems:
        pytest.fail("the benchmark models differ from the workload:\n" + "\n".join(problems), pytrace=False)


# --- The copies in the repository --------------------------------------------------------------------


def test_workload_is_the_crm_app():
    classes = model_classes(workload_source())
    assert len(classes) == 10, f"expected the 10 CRM models in the workload, found {sorted(classes)}"


@pytest.mark.parametrize("name", sorted(COPIES))
def test_copy_matches_workload(name):
    copy = COPIES[name]
    _fail(compare(workload_source(), (REPO / copy.path).read_text(), copy))


def test_shared_currency():
    references = model_string_references(workload_source())
    if "shared.Currency" not in references:
        pytest.skip(f'the workload does not reference "shared.Currency" (it references {sorted(references)})')
    problems = []

    labels = [
        ast.unparse(node.value)
        for node in ast.walk(ast.parse((BENCHMARKS / "shared" / "apps.py").read_text()))
        if isinstance(node, ast.Assign) and [ast.unparse(target) for target in node.targets] == ["label"]
    ]
    if labels != ["'shared'"]:
        problems.append(f"benchmarks/shared/apps.py: app label {labels}, expected 'shared'")

    shared = model_classes((BENCHMARKS / "shared" / "models.py").read_text(), filename="benchmarks/shared/models.py")
    if "Currency" not in shared:
        problems.append("benchmarks/shared/models.py: no class Currency")
    else:
        bases = [ast.unparse(base) for base in shared["Currency"].bases]
        if bases != [PLAIN_BASE]:
            problems.append(f"benchmarks/shared/models.py: Currency has bases {bases}, expected a global model")
    for copy in COPIES.values():
        if "Currency" in model_classes((REPO / copy.path).read_text(), copy.function, filename=copy.path):
            problems.append(f"{copy.path}: defines its own Currency instead of pointing at shared.Currency")
    _fail(problems)


# --- The comparison can fail -------------------------------------------------------------------------


def _altered(path, *replacements):
    """The source of a copy with each ``(old, new)`` replacement made (``old`` must occur exactly once)."""
    source = (REPO / path).read_text()
    for old, new in replacements:
        assert source.count(old) == 1, f"{old!r} is not in {path} exactly once"
        source = source.replace(old, new)
    return source


def test_reports_a_changed_field():
    altered = _altered(
        COPIES["crm"].path,
        ("file_name = models.CharField(max_length=255)", "file_name = models.CharField(max_length=256)"),
    )
    problems = compare(workload_source(), altered, COPIES["crm"])
    assert len(problems) == 1, problems
    assert "Attachment.file_name differs" in problems[0]
    assert "max_length=255" in problems[0] and "max_length=256" in problems[0]


def test_reports_a_changed_model_reference():
    altered = _altered(
        COPIES["fresh"].path,
        (
            'product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")',
            'product = models.ForeignKey("Product", on_delete=models.PROTECT, related_name="+")',
        ),
    )
    problems = compare(workload_source(), altered, COPIES["fresh"])
    assert len(problems) == 1, problems
    assert "InvoiceLine.product differs" in problems[0]


def test_reports_changed_meta():
    altered = _altered(
        COPIES["plaincrm"].path,
        (
            'models.UniqueConstraint(fields=["invoice", "position"], name="crm_invoiceline_invoice_pos_uniq")',
            'models.UniqueConstraint(fields=["invoice", "position"], name="other_name")',
        ),
        (
            '        indexes = [models.Index(fields=["task", "created_at"])]\n',
            '        indexes = [models.Index(fields=["task", "created_at"])]\n        ordering = ["created_at"]\n',
        ),
    )
    problems = compare(workload_source(), altered, COPIES["plaincrm"])
    assert len(problems) == 2, problems
    assert problems[0].startswith("benchmarks/plaincrm/models.py: Comment.Meta.ordering is not in the workload")
    assert problems[1].startswith("benchmarks/plaincrm/models.py: InvoiceLine.Meta.constraints differs")
    assert "crm_invoiceline_invoice_pos_uniq" in problems[1] and "other_name" in problems[1]


def test_reports_a_missing_fresh_meta_entry():
    altered = _altered(
        COPIES["fresh"].path,
        (
            "            apps = registry\n            app_label = label\n\n    class Invoice(",
            "            app_label = label\n\n    class Invoice(",
        ),
    )
    assert compare(workload_source(), altered, COPIES["fresh"]) == [
        "benchmarks/fresh_models.py: Product.Meta lacks apps = registry"
    ]


def test_reports_extra_and_missing_classes_and_fields():
    altered = _altered(
        COPIES["crm"].path,
        (
            '    color = models.CharField(max_length=7, default="#cccccc")\n',
            '    color = models.CharField(max_length=7, default="#cccccc")\n'
            "    weight = models.IntegerField(default=0)\n",
        ),
        ("class Attachment(TenantModel):", "class Attachment2(TenantModel):"),
        ("class Comment(TenantModel):", "class Comment(models.Model):"),
    )
    problems = compare(workload_source(), altered, COPIES["crm"])
    assert problems == [
        "benchmarks/crm/models.py: Tag.weight is not in the workload (copy: weight = models.IntegerField(default=0))",
        "benchmarks/crm/models.py: class Comment has bases ['models.Model'], expected ['TenantModel']",
        "benchmarks/crm/models.py: class Attachment is missing",
        "benchmarks/crm/models.py: class Attachment2 is not in the workload",
    ]


def test_workload_override(tmp_path, monkeypatch):
    """``TENANCY_WORKLOAD`` names the workload; a missing file skips with the path in the reason."""
    workload = tmp_path / "crm_models.py"
    workload.write_text(
        "from django.db import models\n\n\nclass Tag(models.Model):\n    name = models.CharField(max_length=51)\n"
    )
    monkeypatch.setenv("TENANCY_WORKLOAD", str(workload))
    problems = compare(workload_source(), (REPO / COPIES["plaincrm"].path).read_text(), COPIES["plaincrm"])
    assert "benchmarks/plaincrm/models.py: Tag.name differs" in problems[0]
    assert "benchmarks/plaincrm/models.py: Tag.color is not in the workload" in problems[1]

    monkeypatch.setenv("TENANCY_WORKLOAD", str(tmp_path / "missing.py"))
    with pytest.raises(pytest.skip.Exception, match="missing.py"):
        workload_source()
