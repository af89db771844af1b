"""`parcours build COURSE_DIR --format scorm12,cmi5 --out dist/`: a thin shell over packager.build."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from packager.preview.builder import BuildState
from packager.build import OutputError, PackageError, build_packages, parse_formats, report_target, written_paths
from packager.course import CourseError
from packager.formats import DEFAULT_FORMAT, FORMATS
from packager.messages import msg
from validators.cli_language import LocalizedCommand
from validators.language import language_option


@click.command("build", cls=LocalizedCommand)
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
@language_option()
def build_command(course_dir: Path, formats: str, out: Path, report_to: str | None, report_key: str | None,
                  report_home_page: str | None, lang: str) -> None:
    """Construit les paquets d'un cours / builds a course's packages.

    COURSE_DIR holds course.yaml, the pages, quizzes and media.
    """
    try:
        names = parse_formats(formats)
    except ValueError as error:
        message = error.args[0]
        raise click.BadParameter(message.pick(lang), param_hint="--format") from None
    target = None
    if report_to is not None or report_key is not None or report_home_page is not None:
        try:
            target = report_target(report_to, report_key, report_home_page)
        except ValueError as error:
            option, message = error.args
            raise click.BadParameter(message.pick(lang), param_hint=option) from None
    try:
        results = build_packages(course_dir, names, out, report_to=target)
    except CourseError as error:
        click.echo(error.format(lang), err=True)
        sys.exit(1)
    except PackageError as error:
        click.echo(error.format_message(lang), err=True)
        sys.exit(1)
    except OutputError as error:
        click.echo(error.message(lang), err=True)
        sys.exit(1)
    except OSError as error:
        name = error.filename or out
        click.echo(f"{name}: {error.strerror}", err=True)
        sys.exit(1)
    for result in results:
        for path in written_paths(result):
            click.echo(msg("built", file=str(path)).pick(lang))
        for finding in result.warnings:
            where = finding.where()
            click.echo(msg("package_warning", finding=f"{where}: {finding.message(lang)}" if where
                           else finding.message(lang)).pick(lang), err=True)


build = build_command  # the name parcours.cli looks up (packager.cli:build)


@click.command("simulate")
@click.argument("course_dir", type=click.Path(path_type=Path))
# the cohort is sorted in memory before it is written: about 110 kB a learner
@click.option("--learners", default=300, show_default=True, type=click.IntRange(1, 10_000),
              help="Nombre d'apprenants / number of learners.")
@click.option("--weeks", default=8, show_default=True, type=click.IntRange(1, 520),
              help="Durée de la période, en semaines / length of the period, in weeks.")
@click.option("--seed", default=1, show_default=True, type=int,
              help="Graine : la même donne les mêmes déclarations / seed: the same one gives the same statements.")
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Premier jour (AAAA-MM-JJ, défaut 2026-09-07) / first day (YYYY-MM-DD).")
@click.option("--formats", default="xapi,cmi5", show_default=True,
              help="Formats joués par les plateformes des administrations / formats the LMSs play: xapi, cmi5.")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Fichier NDJSON à écrire (pour parcours import) / NDJSON file to write (for parcours import).")
@language_option()
def simulate(course_dir: Path, learners: int, weeks: int, seed: int, start, formats: str, out: Path,
             lang: str) -> None:
    """Simule une cohorte d'apprenants suivant un cours / simulates a cohort taking a course.

    Writes the statements the packages' runtime (xapi, cmi5) and the LMS would send, one a line.
    """
    from packager.simulate import DEFAULT_START, SIMULATED_FORMATS, simulate_course, write_ndjson

    names = tuple(name.strip().lower() for name in formats.split(",") if name.strip())
    unknown = [name for name in names if name not in SIMULATED_FORMATS]
    if unknown or not names:
        message = msg("unknown_format", value=", ".join(unknown), choices=", ".join(SIMULATED_FORMATS))
        raise click.BadParameter(message.pick(lang), param_hint="--formats")
    try:
        statements = simulate_course(course_dir, learners, weeks, seed, start or DEFAULT_START, names)
    except CourseError as error:
        click.echo(error.format(lang), err=True)
        sys.exit(1)
    try:
        with open(out, "w", encoding="utf-8") as sink:
            count = write_ndjson(statements, sink)
    except OSError as error:
        click.echo(f"{error.filename or out}: {error.strerror}", err=True)
        sys.exit(1)
    click.echo(msg("simulated", count=count, learners=learners, file=str(out)).pick(lang))


@click.command("preview", cls=LocalizedCommand)
@click.argument("course_dir", type=click.Path(path_type=Path))
@click.option("--format", "-f", "package_format", type=click.Choice(list(FORMATS)), default="web",
              show_default=True, help="Format prévisualisé / format to preview.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port local (0 : un port libre) / local port (0: a free one).")
@language_option()
def preview(course_dir: Path, package_format: str, port: int, lang: str) -> None:
    """Prévisualise un cours et le reconstruit à chaque modification / previews a course, rebuilt on every change.

    Sert le cours sur 127.0.0.1 avec un inspecteur de suivi ; n'ouvre rien.
    """
    if not (course_dir / "course.yaml").is_file():
        click.echo(msg("course_yaml_missing", dir=str(course_dir)).pick(lang), err=True)
        sys.exit(1)
    from packager.preview import Preview  # the server only when previewing

    def report(state: BuildState) -> None:
        if state.error:
            click.echo(msg("preview_failed").pick(lang) + "\n" + state.error, err=True)
        else:
            click.echo(msg("preview_built", generation=state.generation).pick(lang))

    try:
        server = Preview(course_dir, package_format, lang, port=port, on_build=report)
    except OSError as error:
        click.echo(f"127.0.0.1:{port}: {error.strerror}", err=True)
        sys.exit(1)
    server.start()
    click.echo(msg("preview_url", url=server.url).pick(lang))
    try:
        server.stopping.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
