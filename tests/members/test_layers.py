"""The members app's layers point one way (issue 9): models <- selectors <- services <- admin,
forms and the demo's loading; the demo's simulation is pure. Read from the source, as every
import statement says it, at the top of a module or inside a function."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "members"
PURE = ("django.db", "organizations.models", "members.selectors", "members.services")
# What a module of each layer may not import, by the start of its name.
FORBIDDEN = {
    "members.models": ("members.selectors", "members.services", "members.admin", "members.forms"),
    "members.selectors": ("members.services", "members.admin", "members.forms", "members.demo"),
    "members.services": ("members.admin", "members.forms", "members.demo"),
    "members.demo.plans": (*PURE, "members.demo.simulation", "members.demo.loading"),
    "members.demo.simulation": (*PURE, "members.demo.loading"),
}


def modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(APP.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(APP.parent).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def imports(tree: ast.Module) -> list[tuple[str, int]]:
    """(module imported, line) of every import statement of the module."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [(f"{node.module}.{alias.name}", node.lineno) for alias in node.names]
    return found


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(f"{prefix}.")


def test_the_layers_are_found():
    names = set(modules())
    for layer in FORBIDDEN:
        assert any(within(name, layer) for name in names), layer


@pytest.mark.parametrize("layer", FORBIDDEN)
def test_each_layer_imports_only_the_layers_below_it(layer):
    wrong = [
        f"{name}:{line} imports {target}"
        for name, tree in modules().items()
        if within(name, layer)
        for target, line in imports(tree)
        if any(within(target, forbidden) for forbidden in FORBIDDEN[layer])
    ]
    assert wrong == []


def test_no_module_of_the_app_imports_inside_a_function():
    """An import inside a function hides a dependency (and a cycle); the app needs none but in
    its AppConfig.ready(), which runs once the app registry can import models."""
    inside = [
        f"{name}:{statement.lineno}"
        for name, tree in modules().items()
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        and not (name.endswith(".apps") and function.name == "ready")
        for statement in ast.walk(function)
        if isinstance(statement, ast.Import | ast.ImportFrom)
    ]
    assert inside == []
