"""Every problem file is written from the public API: it imports derive's names from ``derive``
itself, never from a module inside it; every public name is documented in the README."""
import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import derive

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = sorted((ROOT / "problems").rglob("*.py"))


@pytest.mark.parametrize("path", PROBLEMS, ids=lambda p: str(p.relative_to(ROOT / "problems")))
def test_problem_file_imports_public_names_only(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "derive":
            assert node.module == "derive", f"{path.name} imports from {node.module}"
            missing = [a.name for a in node.names if a.name not in derive.__all__]
            assert not missing, f"{path.name} imports names derive does not export: {missing}"
        elif isinstance(node, ast.Import):
            inner = [a.name for a in node.names if a.name.startswith("derive.")]
            assert not inner, f"{path.name} imports {inner}"


def test_problem_files_load_with_derive_internals_hidden():
    """Each problem file runs with imports of derive.<module> refused for code outside derive/."""
    code = r'''
import builtins, sys, runpy, pathlib
import derive
real = builtins.__import__
def guarded(name, globals=None, locals=None, fromlist=(), level=0):
    caller = (globals or {}).get("__file__") or ""
    if level == 0 and name.startswith("derive.") and "/derive/" not in caller:
        raise ImportError(f"{caller} imports the internal module {name}")
    return real(name, globals, locals, fromlist, level)
builtins.__import__ = guarded
for path in sys.argv[1:]:
    runpy.run_path(path)
print("ok")
'''
    files = [str(p) for p in PROBLEMS if p.name != "__init__.py"]
    proc = subprocess.run([sys.executable, "-c", code, *files], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_every_public_name_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    missing = [n for n in derive.__all__ if not re.search(r"\b" + re.escape(n) + r"\b", readme)]
    assert not missing, f"public names the README does not mention: {missing}"
