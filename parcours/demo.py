"""`parcours demo`: the main job on the embedded default, from a fresh checkout.

Builds the sample courses into every format, validates the packages and the sample
statements, publishes every package to the LRS's catalogue (home page `/`), loads the
statements into the LRS (SQLite `./parcours.db`) and serves it. Each step is one of the
ordinary subcommands, so the demo shows exactly what a user types.
"""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

import click
import orjson

from validators.bilingual import choose
from validators.language import language_option

SAMPLE_COURSE = "samples/courses/numerique-responsable"
# every sample course is built and published to the catalogue
SAMPLE_COURSES = tuple(sorted(str(folder) for folder in Path("samples/courses").glob("*") if (folder / "course.yaml").is_file()))
SAMPLE_STATEMENTS = Path("samples/statements/valid")
FORMATS = "scorm12,scorm2004,cmi5,xapi,web"


def _say(lang: str, fr: str, en: str) -> None:
    click.secho(choose(lang, fr, en), bold=True)


def _run(arguments: list[str]) -> int:
    """Run a subcommand as the `parcours` command would; return its exit status."""
    parcours = click.get_current_context().find_root().command  # the group running this demo
    try:
        parcours.main(arguments, prog_name="parcours", standalone_mode=False)
    except SystemExit as stop:  # `validate` ends with its own status
        return int(stop.code or 0)
    except click.ClickException as error:
        error.show()
        return error.exit_code
    return 0


def _demo_credential(database: Path) -> tuple[str, str]:
    """The demo's key and secret, created once and kept beside the database."""
    keep = database.with_name(database.name + ".demo-credential")
    if keep.exists():
        key, secret = keep.read_text().split(":", 1)
        return key, secret.strip()
    key, secret = "demo", secrets.token_urlsafe(18)
    keep.write_text(f"{key}:{secret}\n")
    keep.chmod(0o600)
    return key, secret


def _built_packages() -> list[str]:
    """Every zip the build step wrote for the sample courses, the web previews' included."""
    names = {Path(course).name for course in SAMPLE_COURSES}
    return sorted(str(path) for path in Path("dist").glob("*.zip") if path.name.rsplit("-", 1)[0] in names)


def _statement_files() -> list[Path]:
    return sorted(SAMPLE_STATEMENTS.glob("*.json"))


def _load_samples(database_url: str, key: str, secret: str, lang: str) -> int:
    """POST the sample statements through the LRS's own API, once per database."""
    from lrs.app import create_app
    from lrs.config import Config

    app = create_app(Config.from_env(database_url=database_url, bootstrap_credential=f"{key}:{secret}:all"))
    client = app.test_client()
    headers = {
        "X-Experience-API-Version": "1.0.3",
        "Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode(),
    }
    if client.get("/xapi/statements?limit=1", headers=headers).get_json().get("statements"):
        return 0
    loaded = 0
    for path in _statement_files():
        data = orjson.loads(path.read_bytes())
        batch = data if isinstance(data, list) else [data]
        response = client.post("/xapi/statements", json=batch, headers=headers)
        if response.status_code != 200:
            raise click.ClickException(f"{path}: {response.status_code} {response.get_data(as_text=True)}")
        loaded += len(batch)
    return loaded


def _load_cohort(database: Path, database_url: str, lang: str) -> None:
    """The simulated cohort of the sample courses, and the secret that lets reports pseudonymise it."""
    import os

    from lrs.app import create_app
    from lrs.config import Config
    from packager.simulate import ADMINISTRATIONS
    from parcours.demo_cohort import COHORT_WEEKS, load_demo_cohort, pseudonym_secret

    database = database.resolve()
    os.environ.setdefault("PARCOURS_PSEUDONYM_SECRET", pseudonym_secret(database))
    app = create_app(Config.from_env(database_url=database_url))
    try:
        cohort = load_demo_cohort(app, database.with_name(database.name + ".demo-cohort"))
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    count = len(ADMINISTRATIONS)
    if cohort.statements:
        _say(lang, f"   Cohorte simulée : {cohort.learners} apprenants de {count} administrations sur {COHORT_WEEKS} "
                   f"semaines, {cohort.statements} déclarations importées en {cohort.seconds:.1f} s",
             f"   Simulated cohort: {cohort.learners} learners from {count} administrations over {COHORT_WEEKS} "
             f"weeks, {cohort.statements} statements imported in {cohort.seconds:.1f} s")
    else:
        _say(lang, "   Cohorte simulée : déjà chargée", "   Simulated cohort: already loaded")


def _where_to_look(port: int, lang: str) -> None:
    from urllib.parse import quote

    from packager.course import load_course

    course = load_course(SAMPLE_COURSE).id
    base = f"http://127.0.0.1:{port}/reports"
    query = f"?course={quote(course, safe='')}"
    _say(lang, "   Où regarder d'abord :", "   Where to look first:")
    for path, fr, en in (
        ("course", "qui a terminé le cours, module par module", "who finished the course, module by module"),
        ("course/items", "questions trop faciles ou trop difficiles", "questions too easy or too hard"),
        ("course/dropoff", "pages où les apprenants abandonnent", "pages where learners give up"),
    ):
        click.echo(f"   - {base}/{path}{query}  ({en if lang == 'en' else fr})")
    _say(lang, "   Cochez « Pseudonymiser les apprenants » pour masquer les noms.",
         "   Tick 'Pseudonymise learners' to hide names.")


@click.command("demo")
@click.option("--database", default="parcours.db", show_default=True, type=click.Path(path_type=Path),
              help="Fichier SQLite du LRS. / The LRS's SQLite file.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--serve/--no-serve", default=True, help="Servir le LRS à la fin. / Serve the LRS at the end.")
@language_option()
def demo(database: Path, port: int, serve: bool, lang: str) -> None:
    """Construit, valide, charge et sert l'exemple. / Builds, validates, loads and serves the sample."""
    import os

    # One JSON line per request would bury what the demo says: the log goes to a file unless asked otherwise.
    request_log = os.environ.setdefault("PARCOURS_REQUEST_LOG", str(database.resolve().with_name(
        database.name + ".requests.log")))
    _say(lang, f"1. Construction des cours d'exemple ({FORMATS}) dans dist/",
         f"1. Building the sample courses ({FORMATS}) into dist/")
    for course in SAMPLE_COURSES:
        if _run(["build", course, "--format", FORMATS, "--out", "dist", "--lang", lang]) != 0:
            raise SystemExit(1)
    packages = sorted(str(path) for path in Path("dist").glob("*.zip"))
    _say(lang, "2. Validation des paquets et des déclarations d'exemple",
         "2. Validating the packages and the sample statements")
    if _run(["validate", "--lang", lang, *packages, *map(str, _statement_files())]) != 0:
        raise SystemExit(1)
    database_url = f"sqlite:///{database.resolve()}"
    _say(lang, "   Publication de chaque paquet dans le catalogue du LRS",
         "   Publishing every package to the LRS's catalogue")
    if _run(["publish", "--database", database_url, "--lang", lang, *_built_packages()]) != 0:
        raise SystemExit(1)
    key, secret = _demo_credential(database.resolve())
    os.environ["PARCOURS_BOOTSTRAP_CREDENTIAL"] = f"{key}:{secret}:all"
    loaded = _load_samples(database_url, key, secret, lang)
    _say(lang, f"3. {loaded} déclarations d'exemple chargées dans {database}",
         f"3. {loaded} sample statements loaded into {database}")
    _say(lang, f"   Clé du LRS : {key}   secret : {secret}", f"   LRS key: {key}   secret: {secret}")
    _load_cohort(database, database_url, lang)
    if serve:
        _say(lang, f"4. Catalogue des cours : http://127.0.0.1:{port}/   LRS xAPI : http://127.0.0.1:{port}/xapi/   "
                   f"rapports : http://127.0.0.1:{port}/reports/",
             f"4. Course catalogue: http://127.0.0.1:{port}/   xAPI LRS: http://127.0.0.1:{port}/xapi/   "
             f"reports: http://127.0.0.1:{port}/reports/")
        _where_to_look(port, lang)
        _say(lang, f"   Journal des requêtes : {request_log}", f"   Request log: {request_log}")
        raise SystemExit(_run(["serve", "--database", database_url, "--port", str(port), "--lang", lang]))
