"""The layout's rules, checked on the source: which app may import which, and no pointer
outside the repository.

Dependencies point one way: ops -> activities -> projects -> customers -> core. ``core`` is
the plumbing every app uses and imports no domain app; ``ops`` holds the commands that write
every app and nothing imports it. See docs/architecture.md, "Layout".
"""

import ast
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each app, and the apps it may import (besides itself, Django and libraries).
ALLOWED = {
    "core": set(),
    "customers": {"core"},
    "projects": {"core", "customers"},
    "activities": {"core", "customers", "projects"},
    "ops": {"core", "customers", "projects", "activities"},
    "privacy": {"core", "customers", "projects", "activities"},
}
APPS = set(ALLOWED)


def imported_modules(path, app):
    """Absolute names of the modules ``path`` imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = list(path.relative_to(ROOT).with_suffix("").parts)[:-1]
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.append(module)
    return names


def forbidden_imports(app):
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for module in imported_modules(path, app):
            top = module.split(".", 1)[0]
            if top in APPS and top != app and top not in ALLOWED[app]:
                found.append(f"{path.relative_to(ROOT)} imports {module}")
    return found


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_app_imports_only_the_apps_below_it(app):
    assert (ROOT / app).is_dir()
    assert forbidden_imports(app) == []


def test_the_check_sees_a_forbidden_import(tmp_path, monkeypatch):
    """The parser resolves relative imports and finds an upward import (the check can fail)."""
    package = tmp_path / "customers" / "views"
    package.mkdir(parents=True)
    module = package / "leak.py"
    module.write_text("from projects.models import Project\nfrom ..registry import x\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert imported_modules(module, "customers") == ["projects.models", "customers.registry"]
    assert forbidden_imports("customers") == ["customers/views/leak.py imports projects.models"]


# Strings that point outside the repository (joined so that this file does not match itself).
OUTSIDE = ["../" + "shared", "DESIGN" + ".md", "CONVENTIONS" + ".md"]
SKIP_DIRS = {".git", ".venv", "node_modules", "staticfiles", "__pycache__", "test-artifacts"}


def repository_files():
    """The files git would commit (tracked or not ignored); every file when git is missing."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        candidates = [ROOT / name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        candidates = ROOT.rglob("*")
    for path in candidates:
        parts = set(path.relative_to(ROOT).parts)
        if parts & SKIP_DIRS or not path.is_file():
            continue
        yield path


def test_no_file_points_outside_the_repository():
    offenders = []
    for path in repository_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            text = path.read_bytes().decode("latin-1")
        offenders.extend(
            f"{path.relative_to(ROOT)}: {needle}" for needle in OUTSIDE if needle in text
        )
    assert offenders == []
