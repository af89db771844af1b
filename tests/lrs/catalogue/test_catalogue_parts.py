"""The catalogue's small parts on their own: slugs, duration bands, sizes, search folding,
query parameters and the names a web build may be asked for."""

from __future__ import annotations

import hashlib

import pytest

from lrs.catalogue.cards import duration_band, duration_minutes, folded, minutes_text, size_text, slug_base, slugs_for
from lrs.catalogue.listing import MAX_PER_PAGE, CatalogueInputError, parse_query
from lrs.catalogue.webbuild import EntryNotFound, content_type, entry_name


@pytest.mark.parametrize("iri, slug", [
    ("https://parcours.example.gouv.fr/cours/numerique-responsable", "numerique-responsable"),
    ("https://example.org/cours/Sécurité Numérique/", "securite-numerique"),
    ("https://example.org/c/s%C3%A9curit%C3%A9", "securite"),
    ("urn:parcours:scorm:MANIFEST-01", "manifest-01"),
    ("https://example.org/", "example-org"),
    ("https://example.org/%%%", "cours"),
])
def test_slug_of_an_iri(iri: str, slug: str) -> None:
    assert slug_base(iri) == slug


def test_slugs_stay_unique_and_do_not_depend_on_order() -> None:
    a, b, c = "https://a.example/cours/accueil", "https://b.example/cours/accueil", "https://a.example/cours/rgpd"
    slugs = slugs_for([a, b, c])
    assert slugs[c] == "rgpd"
    assert slugs[a] == "accueil-" + hashlib.sha256(a.encode()).hexdigest()[:8]
    assert slugs[b] == "accueil-" + hashlib.sha256(b.encode()).hexdigest()[:8]
    assert slugs_for([c, b, a]) == slugs
    assert len(set(slugs.values())) == 3


@pytest.mark.parametrize("duration, minutes, band", [
    ("PT29M", 29, "short"), ("PT30M", 30, "medium"), ("PT2H", 120, "medium"), ("PT2H1M", 121, "long"),
    ("P1D", 1440, "long"), (None, None, "unknown"), ("une heure", None, "unknown"),
])
def test_duration_bands(duration: str | None, minutes: int | None, band: str) -> None:
    assert duration_minutes(duration) == minutes
    assert duration_band(minutes) == band


def test_readable_figures() -> None:
    assert minutes_text(75) == "1 h 15 min" and minutes_text(120) == "2 h" and minutes_text(5) == "5 min"
    assert size_text(120_152) == "120,2\u00a0ko" and size_text(120_152, "en") == "120.2\u00a0kB"
    assert size_text(999) == "999\u00a0o" and size_text(3_500_000_000, "en") == "3.5\u00a0GB"
    assert folded("Sécurité ÉCOCONCEPTION") == "securite ecoconception"


def test_query_parameters() -> None:
    query = parse_query({"q": "  rgpd ", "language": "EN", "sort": "title", "page": "3", "per_page": "50000"})
    assert (query.q, query.lang, query.sort, query.page, query.per_page) == ("rgpd", "en", "title", 3, MAX_PER_PAGE)
    assert query.as_args() == {"q": "rgpd", "lang": "en", "sort": "title", "page": "3", "per_page": str(MAX_PER_PAGE)}
    assert parse_query({}).as_args() == {}
    with pytest.raises(CatalogueInputError) as refused:
        parse_query({"duration": "forever"})
    assert refused.value.values["field"] == "duration"


@pytest.mark.parametrize("path", ["../x", "/etc/passwd", "a/../../b", "a//b", "a\\b", "./a", "a/\0b"])
def test_web_build_names_outside_the_zip_are_refused(path: str) -> None:
    with pytest.raises(EntryNotFound):
        entry_name(path)


def test_web_build_names_and_types() -> None:
    assert entry_name("") == "index.html"
    assert entry_name("modules/m1/") == "modules/m1/index.html"
    assert entry_name("runtime/parcours.js") == "runtime/parcours.js"
    assert content_type("a/index.html") == "text/html; charset=utf-8"
    assert content_type("captions.fr.vtt") == "text/vtt; charset=utf-8"
    assert content_type("video.mp4") == "video/mp4"
    assert content_type("LICENCE") == "application/octet-stream"
