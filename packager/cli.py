"""`parcours build COURSE_DIR --format scorm12,cmi5 --out dist/`: a thin shell over packager.build."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from packager.build import OutputError, PackageError, build_packages, parse_formats, report_target
from packager.course import CourseError
from packager.formats import DEFAULT_FORMAT, FORMATS
from packager.messages import default_lang, msg


@click.command("build")
@click.argument("course_dir", type=click.Path(path_type=Path))
@click.option("--format", "-f", "formats", default=DEFAULT_FORMAT, show_default=True,
              help=f"Formats séparés par des virgules / comma-separated formats: {', '.join(FORMATS)}.")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("dist"), show_default=True,
              help="Dossier de sortie / output folder.")
@click.option("--report-to", metavar="URL", default=None,
              help="Paquets SCORM : envoyer aussi les déclarations xAPI à ce LRS / SCORM packages: also send "
                   "the xAPI statements to this LRS endpoint (dual tracking; overrides report_to: in course.yaml).")
@click.option("--report-key", metavar="KEY:SECRET", envvar="PARCOURS_REPORT_KEY", default=None,
              help="Clé d'écriture du cours (parcours credentials create --course) / the course's write-only key "
                   "(PARCOURS_REPORT_KEY).")
@click.option("--report-home-page", metavar="URL", default=None,
              help="Adresse du LMS pour le compte de l'apprenant (défaut : l'origine du site) / the LMS address of "
                   "the learner's account (default: the launching site's origin).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default=default_lang,
              help="Langue des messages / message language (PARCOURS_LANG).")
def build_command(course_dir: Path, formats: str, out: Path, report_to: str | None, report_key: str | None,
                  report_home_page: str | None, lang: str) -> None:
    """Construit les paquets d'un cours / builds a course's packages.

    COURSE_DIR holds course.yaml, the pages, quizzes and media.
    """
    try:
        names = parse_formats(formats)
    except ValueError as error:
        message = error.args[0]
        raise click.BadParameter(message.en if lang == "en" else message.fr, param_hint="--format") from None
    target = None
    if report_to is not None or report_home_page is not None:
        try:
            target = report_target(report_to, report_key, report_home_page)
        except ValueError as error:
            option, message = error.args
            raise click.BadParameter(message.en if lang == "en" else message.fr, param_hint=option) from None
    try:
        results = build_packages(course_dir, names, out, report_to=target)
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
