"""The apps import each other one way only, as docs/ARCHITECTURE.md draws them.

A lower app that needs to tell a higher one something sends a signal (catalog/signals.py), and a
model that points at a higher app's model names it by label ("partners.PartnerPage"), as Django
does. Every import counts, including those inside functions, which is where cycles hide.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Each app and the project apps it may import; the same picture as docs/ARCHITECTURE.md.
# spreadsheets is the bottom layer (safe CSV/XLSX cells): it imports no project app, every app may
# import it.
ALLOWED = {
    "spreadsheets": set(),
    "accounts": {"spreadsheets"},
    "partners": {"spreadsheets"},
    "catalog": {"partners", "spreadsheets"},
    "checkout": {"catalog", "spreadsheets"},
    "issuance": {"checkout", "catalog", "partners", "spreadsheets"},
    "partner_dashboard": {"issuance", "checkout", "catalog", "partners", "spreadsheets"},
    "search": {"catalog", "partners", "spreadsheets"},
    "home": {"catalog", "partners", "spreadsheets"},
    "config": {
        "accounts",
        "home",
        "catalog",
        "partners",
        "search",
        "checkout",
        "issuance",
        "partner_dashboard",
        "spreadsheets",
        "devtools",
    },
    "devtools": {
        "accounts",
        "home",
        "catalog",
        "partners",
        "search",
        "checkout",
        "issuance",
        "partner_dashboard",
        "spreadsheets",
    },
}


def imported_apps(app):
    """(imported app, file) for every import of another project app in this app's code."""
    found = set()
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in ALLOWED and top != app:
                    found.add((top, str(path.relative_to(ROOT))))
    return found


def test_every_app_is_in_the_picture():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"config"}
    assert apps == set(ALLOWED)


def test_imports_run_one_way():
    wrong = sorted(
        f"{path} imports {imported}"
        for app, allowed in ALLOWED.items()
        for imported, path in imported_apps(app)
        if imported not in allowed
    )
    assert wrong == []


def test_the_picture_has_no_cycles():
    def reaches(start, target, seen=()):
        return any(
            other == target or (other not in seen and reaches(other, target, (*seen, other)))
            for other in ALLOWED[start]
        )

    assert [app for app in ALLOWED if reaches(app, app)] == []


def test_the_architecture_document_draws_these_imports():
    """docs/ARCHITECTURE.md lists each app's imports as `app → other, other` lines."""
    drawn = {}
    for line in (ROOT / "docs" / "ARCHITECTURE.md").read_text().splitlines():
        app, arrow, imports = line.partition(" → ")
        if arrow and app.strip() in ALLOWED:
            names = {name.strip() for name in imports.split("(")[0].split(",")} - {"nothing"}
            if "every app" in names:
                names = names - {"every app"} | set(ALLOWED) - {"config", "devtools"}
            drawn[app.strip()] = names
    assert drawn == ALLOWED
