"""The ``.pyi`` stubs describe the extension module exactly: every public
name, every method and property, every parameter's name and kind."""

from __future__ import annotations

import ast
import inspect
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import velocity_metrics as vm
from velocity_metrics import _native

STUB = Path(vm.__file__).with_name("_native.pyi")
Params = List[Tuple[str, str]]
KIND = {
    "posonlyargs": "POSITIONAL_ONLY", "args": "POSITIONAL_OR_KEYWORD", "kwonlyargs": "KEYWORD_ONLY",
}


def stub_params(node: ast.FunctionDef) -> Params:
    out: Params = []
    for field, kind in KIND.items():
        out += [(a.arg, kind) for a in getattr(node.args, field)]
    if node.args.vararg:
        out.insert(len(node.args.posonlyargs) + len(node.args.args), (node.args.vararg.arg, "VAR_POSITIONAL"))
    if node.args.kwarg:
        out.append((node.args.kwarg.arg, "VAR_KEYWORD"))
    return [p for p in out if p[0] not in ("self", "cls")]


def runtime_params(function) -> Params:
    params = [(p.name, p.kind.name) for p in inspect.signature(function).parameters.values()]
    return [p for p in params if p[0] not in ("self", "cls")]


def stub_tree() -> Tuple[Dict[str, Params], Dict[str, Dict[str, object]], set]:
    functions: Dict[str, Params] = {}
    classes: Dict[str, Dict[str, object]] = {}
    constants = set()
    options: set = set()
    for node in ast.parse(STUB.read_text()).body:
        if isinstance(node, ast.FunctionDef):
            functions[node.name] = stub_params(node)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):  # serve = install
            functions[node.targets[0].id] = functions[node.value.id]
        elif isinstance(node, ast.ClassDef) and node.name in ("TelemetrySettings", "TelemetryOptions"):
            constants.add(node.name)  # typing only: the options' names are checked below
            options.update(item.target.id for item in node.body if isinstance(item, ast.AnnAssign))
        elif isinstance(node, ast.ClassDef):
            members: Dict[str, object] = {}
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    is_property = any(getattr(d, "id", None) == "property" for d in item.decorator_list)
                    members[item.name] = "property" if is_property else stub_params(item)
            classes[node.name] = members
        elif isinstance(node, ast.AnnAssign) and node.target.id.isupper():
            constants.add(node.target.id)
    assert options == set(_native.TELEMETRY_OPTIONS)
    return functions, classes, constants


def test_every_name_of_the_module_has_a_stub() -> None:
    functions, classes, constants = stub_tree()
    runtime = {n for n in dir(_native) if not n.startswith("__")} | {"TelemetrySettings", "TelemetryOptions"}
    assert runtime == set(functions) | set(classes) | constants


def test_functions_match() -> None:
    functions, _, _ = stub_tree()
    for name, params in functions.items():
        if name == "_default_telemetry" or name == "_panic_for_tests":
            assert runtime_params(getattr(_native, name)) == params
            continue
        assert runtime_params(getattr(_native, name)) == params, name


def test_classes_match() -> None:
    _, classes, _ = stub_tree()
    for name, members in classes.items():
        cls = getattr(_native, name)
        runtime = {n: v for n, v in vars(cls).items() if not n.startswith("__") or n in ("__new__", "__enter__", "__exit__")}
        stubbed = {n for n in members if n not in ("__eq__", "__hash__")}
        if sys.version_info < (3, 10):  # abi3 types carry no constructor signature before 3.10
            stubbed.discard("__new__")
            members = {n: v for n, v in members.items() if n != "__new__"}
        public = {n for n in runtime if n != "__new__"} | ({"__new__"} if cls.__text_signature__ else set())
        assert public == stubbed, name
        for member, params in members.items():
            if member in ("__eq__", "__hash__"):
                continue
            if params == "property":
                assert inspect.isgetsetdescriptor(runtime[member]), f"{name}.{member}"
            elif member == "__new__":
                assert runtime_params(cls) == params, f"{name}()"
            else:
                assert runtime_params(getattr(cls, member)) == params, f"{name}.{member}"


def test_module_level_functions_are_the_default_telemetrys_methods() -> None:
    _, classes, _ = stub_tree()
    recorders = [n for n, v in classes["Telemetry"].items()
                 if v != "property" and n not in ("__new__", "render", "scrape", "same_as")]
    for name in recorders:
        function = getattr(vm, name)
        assert function.__self__ is vm.default_telemetry, name
        assert function.__doc__, name
    assert set(recorders) <= set(vm.__all__)
