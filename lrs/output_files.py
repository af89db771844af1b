"""Output files of the commands (`parcours export`, `report`, `privacy export`,
`backup`): a missing folder or an unwritable file said in one line, before any work
is done for it, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import click

from validators.bilingual import Text

NO_SUCH_FOLDER = Text("{folder} : dossier introuvable.", "{folder}: no such folder.")
CANNOT_WRITE = Text("{path} : écriture impossible ({reason}).", "{path}: cannot write ({reason}).")


def check_output_folder(path: Path | None, lang: str) -> None:
    """Refuse an output file whose folder is missing, before any work is done for it."""
    if path is not None and not path.parent.is_dir():
        raise click.ClickException(NO_SUCH_FOLDER.fill(folder=path.parent).pick(lang))


def open_output(path: Path, lang: str) -> BinaryIO:
    """`path` opened for writing; a one-line error naming it when it cannot be."""
    check_output_folder(path, lang)
    try:
        return open(path, "wb")
    except OSError as error:  # permission denied, a folder of that name...
        raise click.ClickException(CANNOT_WRITE.fill(path=path, reason=error.strerror or error).pick(lang))
