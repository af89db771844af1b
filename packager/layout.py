"""Where things go inside every package, in one place."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RUNTIME_DIR = PACKAGE_DIR / "runtime"
STATIC_DIR = PACKAGE_DIR / "static"

ASSET_DIR = "files"  # course media keep their course-relative path under this folder
STYLESHEET = "static/parcours.css"
THEME_STYLESHEETS = {"etat": "static/theme-etat.css"}  # themes other than the neutral one add a style sheet


def theme_stylesheet(theme: str) -> str | None:
    """Package path of the theme's own style sheet (None for the neutral theme)."""
    return THEME_STYLESHEETS.get(theme)


def runtime_files() -> list[Path]:
    """The learner-side runtime shipped in each package: every script of packager/runtime."""
    return sorted(RUNTIME_DIR.glob("*.js")) if RUNTIME_DIR.is_dir() else []


def runtime_scripts() -> list[str]:
    """Package paths of the runtime scripts, parcours.js last (any other script is its support)."""
    files = sorted(runtime_files(), key=lambda path: (path.name == "parcours.js", path.name))
    return [f"runtime/{path.name}" for path in files]


def module_document(key: str) -> str:
    return f"modules/{key}/index.html"


def asset_path(relative: str) -> str:
    return f"{ASSET_DIR}/{relative}"

