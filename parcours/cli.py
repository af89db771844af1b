"""The `parcours` command: one entry point, each subcommand a thin shell over a library.

Every subcommand is imported here, by name. The shells keep their heavy imports
(Flask, SQLAlchemy, the package renderers) inside the commands, so that
`parcours validate` does not load the LRS; `packager` and `lrs` stay independent.
"""

from __future__ import annotations

import click

from lrs.cli import backup, credentials, restore, serve
from lrs.courses.cli import publish, unpublish
from lrs.reports.cli import export, import_, privacy, report
from packager.cli import build, preview, simulate
from parcours.demo import demo
from validators.cli import validate
from validators.cli_language import LocalizedGroup

# name -> click command or group; add a subcommand by importing it above and listing it here
SUBCOMMANDS: dict[str, click.Command] = {
    "validate": validate,
    "build": build,
    "simulate": simulate,
    "preview": preview,
    "serve": serve,
    "credentials": credentials,
    "backup": backup,
    "restore": restore,
    "report": report,
    "export": export,
    "import": import_,
    "privacy": privacy,
    "publish": publish,
    "unpublish": unpublish,
    "demo": demo,
}


@click.group(cls=LocalizedGroup, commands=SUBCOMMANDS)
@click.version_option(package_name="parcours", prog_name="parcours")
def main() -> None:
    """parcours : paquets de cours (SCORM, cmi5, xAPI), validation et LRS xAPI.

    parcours: course packages (SCORM, cmi5, xAPI), validation and an xAPI LRS.
    """


if __name__ == "__main__":
    main()
