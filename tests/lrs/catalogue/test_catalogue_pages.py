"""The home page and the catalogue over a real database: what they list and show, the
`.json`/`.csv` twins, downloads byte-identical to the published zips, the web build,
languages, access rules and bad input."""

from __future__ import annotations

import csv
import html as html_module
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.lrs.catalogue.support import SAMPLE_IRI, SAMPLE_SLUG, Catalogue, auth, sha256_of

COURSE_URL = f"/catalogue/{SAMPLE_SLUG}"


class _Page(HTMLParser):
    """What the tests read in a page: resource URLs, links, headings, JSON-LD, iframes."""

    def __init__(self) -> None:
        super().__init__()
        self.resources: list[str] = []
        self.links: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self.jsonld: list[str] = []
        self.iframes: list[dict[str, str]] = []
        self._heading: str | None = None
        self._text: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in ("script", "img", "iframe", "audio", "video", "source") and values.get("src"):
            self.resources.append(values["src"])
        if tag == "link" and values.get("href"):
            self.resources.append(values["href"])
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        if tag == "iframe":
            self.iframes.append(values)
        if tag == "script" and values.get("type") == "application/ld+json":
            self._in_jsonld = True
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._text = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_jsonld = False
        if tag == self._heading:
            self.headings.append((tag, " ".join("".join(self._text).split())))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld.append(data)
        if self._heading:
            self._text.append(data)


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    """A page's HTML with its character references resolved, for checking what it says."""
    return html_module.unescape(response.get_data(as_text=True))


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _course_description(path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("parcours-course.json"))


# --- the flow, on SQLite and PostgreSQL ------------------------------------------------


def test_home_catalogue_course_and_downloads(published: Catalogue) -> None:
    client = published.client
    home = client.get("/")
    assert home.status_code == 200 and home.mimetype == "text/html"
    page = parse(home.get_data(as_text=True))
    assert ("h1", "Le pot commun des formations") in page.headings
    assert "Numérique responsable : les bons gestes au bureau" in [text for _tag, text in page.headings]
    assert "/xapi/about" in page.links
    assert any(link.startswith("/catalogue/?") for link in page.links)
    assert any(link.startswith("/reports/") for link in page.links)

    listing = client.get("/catalogue/")
    assert listing.status_code == 200
    text = text_of(listing)
    for expected in ("1 cours trouvé", "Licence Ouverte / Etalab 2.0", "1 h 15 min",
                     "Équipe pédagogique parcours (Campus numérique des agents publics)", "SCORM 2004 (4e édition)"):
        assert expected in text
    assert 'href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/"' in text

    course = client.get(COURSE_URL)
    assert course.status_code == 200
    page = parse(course.get_data(as_text=True))
    description = _course_description(published.published["scorm12"])
    module_titles = [module["title"]["fr"] for module in description["modules"]]
    assert [text for tag, text in page.headings if tag == "h3"] == module_titles
    html = text_of(course)
    for module in description["modules"]:
        for page_entry in module["pages"]:
            assert page_entry["title"]["fr"] in html
    # every format downloads as the exact zip that was published
    for package_format, path in published.published.items():
        response = client.get(f"{COURSE_URL}/download/{package_format}")
        assert response.status_code == 200, package_format
        assert response.mimetype == "application/zip"
        assert sha256_of(response.data) == sha256_of(path.read_bytes())
        assert response.headers["X-Content-SHA256"] == sha256_of(path.read_bytes())
        assert f'{COURSE_URL}/download/{package_format}' in page.links


def test_json_and_csv_twins(published: Catalogue) -> None:
    client = published.client
    listing = client.get("/catalogue.json").get_json()
    assert listing["total"] == 1
    (entry,) = listing["courses"]
    assert entry["iri"] == SAMPLE_IRI and entry["slug"] == SAMPLE_SLUG
    assert entry["modules"] == 4 and entry["duration_minutes"] == 75
    assert entry["formats"] == ["scorm12", "scorm2004", "cmi5", "xapi", "web"]
    assert entry["url"].endswith(COURSE_URL)

    rows = list(csv.DictReader(io.StringIO(client.get("/catalogue.csv").get_data(as_text=True))))
    assert [row["iri"] for row in rows] == [SAMPLE_IRI]
    assert rows[0]["formats"] == "scorm12 | scorm2004 | cmi5 | xapi | web"

    course = client.get(f"{COURSE_URL}.json").get_json()
    description = _course_description(published.published["cmi5"])
    assert [m["title"] for m in course["module_list"]] == [m["title"]["fr"] for m in description["modules"]]
    assert [m["questions"] for m in course["module_list"]] == [len(m["questions"]) for m in description["modules"]]
    assert course["accessibility"]["standard"] == description["accessibility"]["standard"]
    by_format = {d["format"]: d for d in course["downloads"]}
    for package_format, path in published.published.items():
        assert by_format[package_format]["sha256"] == sha256_of(path.read_bytes())
    assert course["try_url"].endswith(f"{COURSE_URL}/try")

    modules = list(csv.DictReader(io.StringIO(client.get(f"{COURSE_URL}.csv").get_data(as_text=True))))
    assert [row["title"] for row in modules] == [m["title"]["fr"] for m in description["modules"]]
    assert [int(row["position"]) for row in modules] == [1, 2, 3, 4]


# --- the course page -----------------------------------------------------------------


def test_course_page_json_ld_accessibility_and_import_help(published_sqlite: Catalogue) -> None:
    html = text_of(published_sqlite.client.get(COURSE_URL))
    page = parse(html)
    (jsonld,) = page.jsonld
    course = json.loads(jsonld)
    assert course["@context"] == "https://schema.org" and course["@type"] == "Course"
    assert course["@id"] == SAMPLE_IRI and course["name"] == "Numérique responsable : les bons gestes au bureau"
    assert course["timeRequired"] == "PT1H15M"
    assert course["license"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    assert [part["position"] for part in course["hasPart"]] == [1, 2, 3, 4]
    assert {encoding["name"] for encoding in course["encoding"]} == set(published_sqlite.published)
    assert "Déclaration d'accessibilité" in html and "RGAA 4.1 / WCAG 2.1 AA" in html
    assert "Paquetage SCORM" in html  # the Moodle import instructions
    assert "mod_cmi5launch" in html


def test_course_text_in_json_ld_cannot_close_the_script(make_catalogue, sqlite_database: str) -> None:
    catalogue = make_catalogue(sqlite_database)
    catalogue.build_and_publish("balise", title="Fin </script><script>alert(1)</script>")
    html = catalogue.client.get("/catalogue/balise").get_data(as_text=True)
    assert "</script><script>alert(1)" not in html
    assert json.loads(parse(html).jsonld[0])["name"] == "Fin </script><script>alert(1)</script>"


def test_pages_load_nothing_from_elsewhere(published_sqlite: Catalogue) -> None:
    client = published_sqlite.client
    for url in ("/", "/catalogue/", COURSE_URL, f"{COURSE_URL}/try", "/?lang=en"):
        response = client.get(url)
        page = parse(response.get_data(as_text=True))
        assert page.resources, url
        for resource in page.resources:
            parts = urlsplit(resource)
            assert not parts.scheme or parts.scheme == "data", f"{url} loads {resource}"
            assert not parts.netloc, f"{url} loads {resource}"
            if not parts.scheme:  # and every one of them is served
                assert client.get(resource).status_code == 200, resource
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_try_it_serves_the_web_build_from_its_zip(published_sqlite: Catalogue) -> None:
    client = published_sqlite.client
    web_zip = published_sqlite.published["web"]
    page = parse(client.get(f"{COURSE_URL}/try").get_data(as_text=True))
    (frame,) = page.iframes
    assert frame["title"] == "Aperçu du cours « Numérique responsable : les bons gestes au bureau »"
    start = frame["src"]
    digest = sha256_of(web_zip.read_bytes())
    assert start.startswith(f"{COURSE_URL}/web/{digest}/")
    with zipfile.ZipFile(web_zip) as archive:
        names = [name for name in archive.namelist() if not name.endswith("/")]
        for name in names:
            response = client.get(f"{COURSE_URL}/web/{digest}/{name}")
            assert response.status_code == 200, name
            assert response.data == archive.read(name)
            assert "sandbox" in response.headers["Content-Security-Policy"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(start).mimetype == "text/html"
    assert client.get(f"{COURSE_URL}/web/{digest}/runtime/parcours.js").mimetype == "text/javascript"
    folder = client.get(f"{COURSE_URL}/web/{digest}/")
    assert folder.status_code == 200 and folder.data == zipfile.ZipFile(web_zip).read("index.html")


@pytest.mark.parametrize("path", ["../index.html", "modules/../index.html", "%2e%2e/index.html", "missing.html",
                                  "modules", "a\\b.html", "./index.html"])
def test_web_build_refuses_names_outside_it(published_sqlite: Catalogue, path: str) -> None:
    digest = sha256_of(published_sqlite.published["web"].read_bytes())
    response = published_sqlite.client.get(f"{COURSE_URL}/web/{digest}/{path}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == 404


def test_web_build_only_serves_this_course_web_zips(published_sqlite: Catalogue) -> None:
    client = published_sqlite.client
    scorm = sha256_of(published_sqlite.published["scorm12"].read_bytes())
    assert client.get(f"{COURSE_URL}/web/{scorm}/index.html").status_code == 404
    assert client.get(f"{COURSE_URL}/web/{'0' * 64}/index.html").status_code == 404
    assert client.get(f"{COURSE_URL}/web/not-a-digest/index.html").status_code == 404


def test_course_without_web_build_says_so(make_catalogue, sqlite_database: str) -> None:
    catalogue = make_catalogue(sqlite_database)
    catalogue.build_and_publish("sans-web")
    html = text_of(catalogue.client.get("/catalogue/sans-web"))
    assert "Aucune version web n'a été publiée pour ce cours." in html
    assert catalogue.client.get("/catalogue/sans-web/try").status_code == 404


def test_a_second_version_is_shown_and_the_first_stays_reachable(make_catalogue, sqlite_database: str) -> None:
    catalogue = make_catalogue(sqlite_database)
    (first,) = catalogue.build_and_publish("versions", version="1.0", title="Première version")
    (second,) = catalogue.build_and_publish("versions", version="2.0", title="Seconde version")
    client = catalogue.client
    listing = client.get("/catalogue.json").get_json()
    assert [(c["version"], c["title"]) for c in listing["courses"]] == [("2.0", "Seconde version")]
    html = text_of(client.get("/catalogue/versions"))
    assert "Seconde version" in html and "Autres versions publiées" in html
    older = client.get("/catalogue/versions.json?version=1.0").get_json()
    assert older["title"] == "Première version" and older["versions"] == ["2.0", "1.0"]
    assert sha256_of(client.get("/catalogue/versions/download/scorm12?version=1.0").data) == sha256_of(first.read_bytes())
    assert sha256_of(client.get("/catalogue/versions/download/scorm12").data) == sha256_of(second.read_bytes())
    assert client.get("/catalogue/versions?version=9.9").status_code == 404


# --- search, filters, sort, pages ----------------------------------------------------


@pytest.fixture
def several(make_catalogue, sqlite_database: str) -> Catalogue:
    catalogue = make_catalogue(sqlite_database)
    catalogue.build_and_publish("rgpd", title="Le RGPD au quotidien", keywords=["données", "droit"],
                                duration="PT20M")
    catalogue.build_and_publish("accessibilite", title="Accessibilité numérique", language="fr",
                                keywords=["accessibilité"], duration="PT1H30M",
                                licence={"name": "CC BY-SA 4.0",
                                         "url": "https://creativecommons.org/licenses/by-sa/4.0/"})
    catalogue.build_and_publish("security", title={"en": "Security basics", "fr": "Les bases de la sécurité"},
                                language="en", keywords=["sécurité"], duration="PT4H")
    catalogue.build_and_publish("sans-duree", title="Zoologie administrative", duration=None)
    return catalogue


def _titles(catalogue: Catalogue, query: str) -> list[str]:
    response = catalogue.client.get("/catalogue.json" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [course["title"] for course in response.get_json()["courses"]]


def test_search_and_filters(several: Catalogue) -> None:
    assert _titles(several, "") == ["Zoologie administrative", "Les bases de la sécurité", "Accessibilité numérique",
                                    "Le RGPD au quotidien"]  # newest first
    assert _titles(several, "?q=ACCESSIBILITE") == ["Accessibilité numérique"]  # case and accents folded
    assert _titles(several, "?q=rgpd+quotidien") == ["Le RGPD au quotidien"]  # every word
    assert _titles(several, "?q=rgpd+absent") == []
    assert _titles(several, "?language=en") == ["Les bases de la sécurité"]
    assert _titles(several, "?licence=CC+BY-SA+4.0") == ["Accessibilité numérique"]
    assert _titles(several, "?keyword=donn%C3%A9es") == ["Le RGPD au quotidien"]
    assert _titles(several, "?duration=short") == ["Le RGPD au quotidien"]
    assert _titles(several, "?duration=medium") == ["Accessibilité numérique"]
    assert _titles(several, "?duration=long") == ["Les bases de la sécurité"]
    assert _titles(several, "?duration=unknown") == ["Zoologie administrative"]
    assert _titles(several, "?sort=title") == ["Accessibilité numérique", "Le RGPD au quotidien",
                                               "Les bases de la sécurité", "Zoologie administrative"]
    assert _titles(several, "?sort=title&lang=en") == ["Accessibilité numérique", "Le RGPD au quotidien",
                                                       "Security basics", "Zoologie administrative"]
    facets = several.client.get("/catalogue.json").get_json()["facets"]
    assert facets["languages"] == ["en", "fr"]
    assert "CC BY-SA 4.0" in facets["licences"]


def test_pages_of_results(several: Catalogue) -> None:
    client = several.client
    first = client.get("/catalogue.json?sort=title&per_page=3").get_json()
    second = client.get("/catalogue.json?sort=title&per_page=3&page=2").get_json()
    assert (first["total"], first["pages"], second["page"]) == (4, 2, 2)
    assert len(first["courses"]) == 3 and [c["title"] for c in second["courses"]] == ["Zoologie administrative"]
    html = text_of(client.get("/catalogue/?sort=title&per_page=3"))
    assert 'aria-label="Pages de résultats"' in html and 'rel="next"' in html
    assert "page=2" in html and "sort=title" in html


def test_the_form_offers_the_catalogue_values(several: Catalogue) -> None:
    html = text_of(several.client.get("/catalogue/?language=en"))
    assert '<option value="en" selected>anglais</option>' in html
    assert '<option value="CC BY-SA 4.0">CC BY-SA 4.0</option>' in html
    assert '<label for="f-q">' in html and 'role="search"' in html
    assert "Les bases de la sécurité" in html and "Le RGPD" not in html


@pytest.mark.parametrize("query, field", [("?page=0", "page"), ("?page=deux", "page"), ("?sort=random", "sort"),
                                          ("?duration=eternal", "duration"), ("?per_page=-1", "per_page")])
def test_bad_parameters_are_named(published_sqlite: Catalogue, query: str, field: str) -> None:
    client = published_sqlite.client
    as_json = client.get("/catalogue.json" + query)
    assert as_json.status_code == 400
    assert as_json.get_json()["error"]["message"].startswith(field)
    as_html = client.get("/catalogue/" + query)
    assert as_html.status_code == 400 and as_html.mimetype == "text/html"
    assert f"{field} :" in text_of(as_html)


def test_unknown_things_are_404_not_500(published_sqlite: Catalogue) -> None:
    client = published_sqlite.client
    assert client.get("/catalogue/inconnu").status_code == 404
    assert "Cours introuvable" in text_of(client.get("/catalogue/inconnu"))
    assert client.get("/catalogue/inconnu.json").get_json()["error"]["code"] == 404
    assert client.get(f"{COURSE_URL}.xml").status_code == 404
    assert client.get("/catalogue.xml").status_code == 404
    assert client.get(f"{COURSE_URL}/download/aicc").status_code == 404
    assert client.get("/catalogue/inconnu/download/scorm12").status_code == 404


def test_a_missing_blob_is_a_clear_404(published_sqlite: Catalogue) -> None:
    digest = sha256_of(published_sqlite.published["xapi"].read_bytes())
    published_sqlite.store.path_of(digest).unlink()
    response = published_sqlite.client.get(f"{COURSE_URL}/download/xapi")
    assert response.status_code == 404
    assert "introuvable" in response.get_json()["error"]["message"]


# --- languages -----------------------------------------------------------------------


def test_english_by_parameter_or_browser(published_sqlite: Catalogue) -> None:
    client = published_sqlite.client
    by_parameter = text_of(client.get("/catalogue/?lang=en"))
    assert '<html lang="en">' in by_parameter and "Course catalogue" in by_parameter
    by_header = text_of(client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"}))
    assert '<html lang="en">' in by_header and "The shared pool of courses" in by_header
    french = text_of(client.get("/", headers={"Accept-Language": "de"}))
    assert '<html lang="fr">' in french
    # French course text on an English page is marked as French
    course = text_of(client.get(f"{COURSE_URL}?lang=en"))
    assert '<h1><span lang="fr">Numérique responsable' in course
    assert "Download the SCORM 1.2 package" in course


# --- access --------------------------------------------------------------------------


def test_public_catalogue_needs_no_credentials(published_sqlite: Catalogue) -> None:
    for url in ("/", "/catalogue/", "/catalogue.json", COURSE_URL, f"{COURSE_URL}.csv",
                f"{COURSE_URL}/download/scorm12", f"{COURSE_URL}/try"):
        assert published_sqlite.client.get(url).status_code == 200, url


def test_private_catalogue_needs_catalogue_read_or_all_read(make_catalogue, sqlite_database: str,
                                                            sample_packages: dict[str, Path]) -> None:
    catalogue = make_catalogue(sqlite_database, public=False)
    catalogue.publish(sample_packages["scorm12"])
    client = catalogue.client
    for url in ("/catalogue/", "/catalogue.json", COURSE_URL, f"{COURSE_URL}/download/scorm12"):
        anonymous = client.get(url)
        assert anonymous.status_code == 401, url
        assert anonymous.headers["WWW-Authenticate"].startswith("Basic")
        assert client.get(url, headers=auth("writer")).status_code == 403, url
        assert client.get(url, headers=auth("analyst")).status_code == 403, url
        for key in ("catalogue", "allreader", "admin"):
            assert client.get(url, headers=auth(key)).status_code == 200, (url, key)
    # the home page still answers, without the courses
    home = client.get("/")
    assert home.status_code == 200
    text = text_of(home)
    assert "réservé aux personnes munies d'une clé" in text and "Numérique responsable" not in text
    assert "Numérique responsable" in text_of(client.get("/", headers=auth("catalogue")))


def test_reports_link_says_whether_the_visitor_has_access(published_sqlite: Catalogue) -> None:
    client = published_sqlite.client
    assert "Rapports (accès réservé" in text_of(client.get("/"))
    analyst = text_of(client.get("/", headers=auth("analyst")))
    assert ">Rapports</a>" in analyst and "Rapports (accès réservé" not in analyst


def test_empty_catalogue(make_catalogue, sqlite_database: str) -> None:
    client = make_catalogue(sqlite_database).client
    assert "Aucun cours n'est encore publié" in text_of(client.get("/"))
    assert client.get("/catalogue.json").get_json()["total"] == 0
    assert "Aucun cours ne correspond" in text_of(client.get("/catalogue/"))
