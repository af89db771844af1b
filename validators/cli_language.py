"""click's usage and option errors in French (the default) or English, for every subcommand.

click words its errors in English through gettext; the project's commands speak
French unless `--lang en` or PARCOURS_LANG=en. A command built with
`LocalizedCommand` turns click's usage errors into `LocalizedUsageError`, which
shows the usage line, the help hint and the error in the chosen language.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import click

from validators.language import resolve_language

# click's English wording (8.x) -> French; named groups carry the variable parts
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^No such option:? '?(?P<name>[^'.]+)'?\.?(?: Did you mean '?(?P<guess>[^'?]+)'?\?)?$"),
     "option inconnue : {name}.{guess}"),
    (re.compile(r"^No such option:? '?(?P<name>[^'.]+)'?\. \(Did you mean one of: (?P<guesses>.+)\?\)$"),
     "option inconnue : {name}. (Vouliez-vous dire l'une de : {guesses} ?)"),
    (re.compile(r"^Missing argument '(?P<name>[^']+)'\.(?P<rest>.*)$"), "argument manquant : {name}.{rest}"),
    (re.compile(r"^Missing option '(?P<name>[^']+)'\.(?P<rest>.*)$"), "option manquante : {name}.{rest}"),
    (re.compile(r"^Missing parameter:? '?(?P<name>[^'.]+)'?\.?$"), "paramètre manquant : {name}."),
    (re.compile(r"^Option '(?P<name>[^']+)' requires an argument\.$"), "l'option {name} demande une valeur."),
    (re.compile(r"^Option '(?P<name>[^']+)' does not take a value\.$"), "l'option {name} ne prend pas de valeur."),
    (re.compile(r"^Got unexpected extra arguments? \((?P<args>.*)\)$"), "argument(s) en trop : {args}"),
    (re.compile(r"^No such command '(?P<name>[^']+)'\.(?: Did you mean '?(?P<guess>[^'?]+)'?\?)?$"),
     "commande inconnue : {name}.{guess}"),
    (re.compile(r"^Missing command\.$"), "commande manquante."),
    (re.compile(r"^Invalid value for (?P<hint>'[^']+'|[^:]+): (?P<detail>.*)$", re.S),
     "valeur invalide pour {hint} : {detail}"),
    (re.compile(r"^Invalid value: (?P<detail>.*)$", re.S), "valeur invalide : {detail}"),
]
_DETAILS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?P<value>'[^']*') is not one of (?P<choices>.+)\.$"), "{value} n'est pas parmi {choices}."),
    (re.compile(r"^(?P<value>'[^']*') is not (?P<choices>'[^']*')\.$"), "{value} n'est pas {choices}."),
    (re.compile(r"^(?:File|Directory|Path) (?P<value>'[^']*') does not exist\.$"), "{value} n'existe pas."),
    (re.compile(r"^(?:File|Directory|Path) (?P<value>'[^']*') is a directory\.$"), "{value} est un dossier."),
    (re.compile(r"^(?:File|Directory|Path) (?P<value>'[^']*') is a file\.$"), "{value} est un fichier."),
    (re.compile(r"^(?P<value>'[^']*') is not a valid integer\.$"), "{value} n'est pas un nombre entier."),
    (re.compile(r"^(?P<value>'[^']*') is not a valid float\.$"), "{value} n'est pas un nombre."),
    (re.compile(r"^(?P<value>.+) is not in the range (?P<range>.+)\.$"), "{value} n'est pas dans l'intervalle {range}."),
]


def _french_detail(text: str) -> str:
    for pattern, template in _DETAILS:
        match = pattern.match(text)
        if match:
            return template.format(**match.groupdict())
    return text


def french_message(text: str) -> str:
    """click's English error message in French; unknown wordings pass through unchanged."""
    for pattern, template in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        parts = {key: value or "" for key, value in match.groupdict().items()}
        if "guess" in parts:
            parts["guess"] = f" Vouliez-vous dire {parts['guess']} ?" if parts["guess"] else ""
        if "detail" in parts:
            parts["detail"] = _french_detail(parts["detail"])
        if parts.get("rest"):
            parts["rest"] = " " + _french_detail(parts["rest"].strip())
        return template.format(**parts)
    return _french_detail(text)


class LocalizedUsageError(click.UsageError):
    """A usage error shown in French: usage line, help hint, then the message."""

    def show(self, file: Any = None) -> None:
        file = file if file is not None else sys.stderr  # click.echo fits the encoding to it
        if self.ctx is not None:
            usage = self.ctx.get_usage().replace("Usage:", "Utilisation :", 1)
            click.echo(f"{usage}\nEssayez « {self.ctx.command_path} --help » pour l'aide.\n", file=file)
        click.echo(f"Erreur : {self.format_message()}", file=file)


def requested_lang(args: list[str]) -> str:
    """`--lang en` or `--lang=en` among the arguments (before click reads them), else
    PARCOURS_LANG, else French."""
    for index, arg in enumerate(args):
        if arg == "--lang" and index + 1 < len(args):
            return resolve_language(args[index + 1])
        if arg.startswith("--lang="):
            return resolve_language(arg.split("=", 1)[1])
    return resolve_language()


_LANG_META = "parcours.lang"  # where a command's context keeps the language asked for


class _Localized:
    """Usage errors in the language asked for on the command line (else PARCOURS_LANG, else French)."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        lang = requested_lang(list(args))
        try:
            context = super().make_context(info_name, args, parent=parent, **extra)  # type: ignore[misc]
        except click.UsageError as error:
            if lang == "en" or isinstance(error, LocalizedUsageError):
                raise
            raise LocalizedUsageError(french_message(error.format_message()), error.ctx) from None
        context.meta[_LANG_META] = lang
        return context

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except click.UsageError as error:
            lang = ctx.params.get("lang") or ctx.meta.get(_LANG_META) or resolve_language()
            if lang == "en" or isinstance(error, LocalizedUsageError):
                raise
            raise LocalizedUsageError(french_message(error.format_message()), error.ctx or ctx) from None


class LocalizedCommand(_Localized, click.Command):
    """A command whose usage errors are in the author's language (French by default)."""


class LocalizedGroup(_Localized, click.Group):
    """A group whose own usage errors (an unknown subcommand) are in the author's language."""
