"""The `parcours` command: one entry point, each subcommand a thin shell over a library.

Subcommands are imported only when they run, so `parcours validate` does not pay
for Flask and SQLAlchemy, and `packager` and `lrs` stay independent.
"""

from __future__ import annotations

import importlib

import click

from parcours import __version__

# name -> "module:attribute" of a click command or group
SUBCOMMANDS: dict[str, str] = {
    "validate": "validators.cli:validate",
    "build": "packager.cli:build",
    "simulate": "packager.cli:simulate",
    "preview": "packager.cli:preview",
    "serve": "lrs.cli:serve",
    "credentials": "lrs.cli:credentials",
    "backup": "lrs.cli:backup",
    "restore": "lrs.cli:restore",
    "report": "lrs.reports.cli:report",
    "export": "lrs.reports.cli:export",
    "import": "lrs.reports.cli:import_",
    "privacy": "lrs.reports.cli:privacy",
    "demo": "parcours.demo:demo",
    "publish": "lrs.courses.cli:publish", "unpublish": "lrs.courses.cli:unpublish",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name and module_name.startswith(error.name):
                return None  # not built yet in this checkout
            raise
        return getattr(module, attribute, None)


@click.group(cls=LazyGroup)
@click.version_option(__version__, prog_name="parcours")
def main() -> None:
    """parcours : paquets de cours (SCORM, cmi5, xAPI), validation et LRS xAPI.

    parcours: course packages (SCORM, cmi5, xAPI), validation and an xAPI LRS.
    """


if __name__ == "__main__":
    main()
