"""The one language resolver: --lang, then Accept-Language, then the server's own
language, then PARCOURS_LANG; French when nothing names French or English."""

from __future__ import annotations

import pickle

import pytest

from validators.bilingual import BilingualError, Text, choose
from validators.language import accepted_language, configured_language, language_of, resolve_language


@pytest.mark.parametrize("value,expected", [
    ("en", "en"), ("EN", "en"), (" en-GB ", "en"), ("en_US", "en"), ("fr-CA", "fr"), ("FR", "fr"),
    ("de", None), ("", None), (None, None), ("english", None),
])
def test_language_of(value: str | None, expected: str | None) -> None:
    assert language_of(value) == expected


@pytest.mark.parametrize("header,expected", [
    ("fr-FR, en;q=0.8", "fr"),
    ("en;q=0.9, fr;q=0.8", "en"),
    ("de, en;q=0.5", "en"),
    ("en-US,en;q=0.9,fr;q=0.8", "en"),
    ("fr;q=0, en;q=0.1", "en"),
    ("en, fr", "en"),
    ("*", None),
    ("de-DE", None),
    ("en;q=abc, fr;q=0.2", "fr"),
    ("", None),
    (None, None),
])
def test_accepted_language(header: str | None, expected: str | None) -> None:
    assert accepted_language(header) == expected


def test_resolution_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARCOURS_LANG", "EN")
    assert configured_language() == "en"
    assert resolve_language() == "en"
    assert resolve_language(default="fr") == "fr"
    assert resolve_language(accept_language="fr", default="en") == "fr"
    assert resolve_language("en", accept_language="fr", default="fr") == "en"
    monkeypatch.setenv("PARCOURS_LANG", "de")
    assert resolve_language() == "fr"
    assert configured_language({"PARCOURS_LANG": "en-GB"}) == "en"


def test_text_is_french_and_english() -> None:
    text = Text("{n} fichier(s) : {what}", "{n} file(s): {what}").fill(n=2, what=Text("vide", "empty"))
    assert (text.fr, text.en, str(text)) == ("2 fichier(s) : vide", "2 file(s): empty", "2 file(s): empty")
    assert text.pick("en") == "2 file(s): empty" and text.pick("fr") == text.pick("xx") == "2 fichier(s) : vide"
    assert pickle.loads(pickle.dumps(text)).fr == "2 fichier(s) : vide"
    assert choose("en", "oui", "yes") == "yes" and choose("fr", "oui", "yes") == "oui"


def test_bilingual_errors_cross_processes() -> None:
    error = pickle.loads(pickle.dumps(BilingualError("illisible", "unreadable")))
    assert (error.message("fr"), error.message("en"), str(error)) == ("illisible", "unreadable", "unreadable")
