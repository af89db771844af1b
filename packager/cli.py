"""`parcours build COURSE_DIR --format scorm12,cmi5 --out dist/`: a thin shell over packager.build."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from packager.preview.builder import BuildState
from packager.build import OutputError, PackageError, build_packages, parse_formats
from packager.course import CourseError
from packager.formats import DEFAULT_FORMAT, FORMATS
from packager.messages import msg
from validators.cli_language import LocalizedCommand, default_lang


@click.command("build", cls=LocalizedCommand)
@click.argument("course_dir", type=click.Path(path_type=Path))
@click.option("--format", "-f", "formats", default=DEFAULT_FORMAT, show_default=True,
              help=f"Formats séparés par des virgules / comma-separated formats: {', '.join(FORMATS)}.")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("dist"), show_default=True,
              help="Dossier de sortie / output folder.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default=default_lang,
              help="Langue des messages / message language (PARCOURS_LANG).")
def build_command(course_dir: Path, formats: str, out: Path, lang: str) -> None:
    """Construit les paquets d'un cours / builds a course's packages.

    COURSE_DIR holds course.yaml, the pages, quizzes and media.
    """
    try:
        names = parse_formats(formats)
    except ValueError as error:
        message = error.args[0]
        raise click.BadParameter(message.en if lang == "en" else message.fr, param_hint="--format") from None
    try:
        results = build_packages(course_dir, names, out)
    except CourseError as error:
        click.echo(error.format(lang), err=True)
        sys.exit(1)
    except PackageError as error:
        click.echo(error.format_message(lang), err=True)
        sys.exit(1)
    except OutputError as error:
        click.echo(error.message_en if lang == "en" else error.message_fr, err=True)
        sys.exit(1)
    except OSError as error:
        name = error.filename or out
        click.echo(f"{name}: {error.strerror}", err=True)
        sys.exit(1)
    for result in results:
        message = msg("built", file=str(result.path))
        click.echo(message.en if lang == "en" else message.fr)


build = build_command  # the name parcours.cli looks up (packager.cli:build)


@click.command("preview", cls=LocalizedCommand)
@click.argument("course_dir", type=click.Path(path_type=Path))
@click.option("--format", "-f", "package_format", type=click.Choice(list(FORMATS)), default="web",
              show_default=True, help="Format prévisualisé / format to preview.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port local (0 : un port libre) / local port (0: a free one).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default=default_lang,
              help="Langue des messages / message language (PARCOURS_LANG).")
def preview(course_dir: Path, package_format: str, port: int, lang: str) -> None:
    """Prévisualise un cours et le reconstruit à chaque modification / previews a course, rebuilt on every change.

    Sert le cours sur 127.0.0.1 avec un inspecteur de suivi ; n'ouvre rien.
    """
    if not (course_dir / "course.yaml").is_file():
        message = msg("course_yaml_missing", dir=str(course_dir))
        click.echo(message.en if lang == "en" else message.fr, err=True)
        sys.exit(1)
    from packager.preview import Preview  # the server only when previewing

    def report(state: BuildState) -> None:
        if state.error:
            click.echo(msg_text("preview_failed", lang) + "\n" + state.error, err=True)
        else:
            click.echo(msg_text("preview_built", lang, generation=state.generation))

    try:
        server = Preview(course_dir, package_format, lang, port=port, on_build=report)
    except OSError as error:
        click.echo(f"127.0.0.1:{port}: {error.strerror}", err=True)
        sys.exit(1)
    server.start()
    click.echo(msg_text("preview_url", lang, url=server.url))
    try:
        server.stopping.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def msg_text(code: str, lang: str, **params: object) -> str:
    message = msg(code, **params)
    return message.en if lang == "en" else message.fr
