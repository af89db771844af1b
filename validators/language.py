"""Which language parcours speaks: French by default, English on request.

The one reader of the interface language. In order: what was asked explicitly (a
command's `--lang`), the languages a web client accepts (its Accept-Language header,
best quality first), then the `PARCOURS_LANG` environment variable. Any case and any
region works: `EN`, `en-GB` and `en_US` all mean English.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Mapping

import click

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
ENVIRONMENT_VARIABLE = "PARCOURS_LANG"


def language_of(value: Any) -> str | None:
    """"fr" or "en" for a language tag naming one of them (any case, any region), else None."""
    if not isinstance(value, str):
        return None
    primary = value.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else None


def configured_language(environ: Mapping[str, str] | None = None) -> str:
    """`PARCOURS_LANG` when it names French or English, else French."""
    value = (os.environ if environ is None else environ).get(ENVIRONMENT_VARIABLE)
    return language_of(value) or DEFAULT_LANGUAGE


def accepted_language(header: str | None) -> str | None:
    """The language an Accept-Language header prefers among French and English: the
    highest quality wins, the header's order breaks ties; None when it names neither."""
    best: tuple[float, str] | None = None
    for entry in (header or "").split(","):
        tag, _, params = entry.partition(";")
        language = language_of(tag)
        if language is None:
            continue
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                continue
        if quality > 0 and (best is None or quality > best[0]):
            best = (quality, language)
    return best[1] if best else None


def resolve_language(
    explicit: str | None = None, accept_language: str | None = None, default: str | None = None
) -> str:
    """The language to answer in: `explicit` if it names one, else the best of the
    Accept-Language header, else `default` (a server's configured language), else
    `PARCOURS_LANG`."""
    return (
        language_of(explicit)
        or accepted_language(accept_language)
        or language_of(default)
        or configured_language()
    )


OPTION_HELP = "Langue des messages (défaut : PARCOURS_LANG, sinon fr). / Message language."


def language_option(help_text: str = OPTION_HELP) -> Callable:
    """The `--lang` option of every command: fr or en in any case, defaulting to
    `PARCOURS_LANG`."""

    def normalize(_context: Any, _param: Any, value: str | None) -> str:
        return resolve_language(value)

    return click.option(
        "--lang", type=click.Choice(LANGUAGES, case_sensitive=False), default=None,
        callback=normalize, help=help_text,
    )
