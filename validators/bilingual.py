"""Text in French and English, and the errors that carry it.

Everything parcours tells a person exists in both languages, French first: a message
catalogue entry, an error, a finding. `Text` holds the pair (fr, en) and is the English
string for whatever keeps one string only (logs, exception arguments, marshmallow).
"""

from __future__ import annotations

from typing import Any


def choose(lang: str, fr: str, en: str) -> str:
    """The text in `lang` (a language resolved by `validators.language`): English for
    "en", French otherwise."""
    return en if lang == "en" else fr


class Text(str):
    """A text in French and English; as a `str`, the English one."""

    fr: str
    en: str

    def __new__(cls, fr: str, en: str) -> "Text":
        value = super().__new__(cls, en)
        value.fr = fr
        value.en = en
        return value

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        return (self.fr, self.en)

    def pick(self, lang: str) -> str:
        return choose(lang, self.fr, self.en)

    def fill(self, **params: Any) -> "Text":
        """Both texts with their `{placeholders}` filled; a `Text` parameter gives each
        language its own value."""
        french = {key: value.fr if isinstance(value, Text) else value for key, value in params.items()}
        english = {key: value.en if isinstance(value, Text) else value for key, value in params.items()}
        return Text(self.fr.format(**french), self.en.format(**english))


class BilingualError(Exception):
    """An error whose message exists in French and English; `message(lang)` picks one."""

    def __init__(self, message_fr: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_fr = message_fr
        self.message_en = message_en

    @property
    def text(self) -> Text:
        return Text(self.message_fr, self.message_en)

    def message(self, lang: str = "fr") -> str:
        return choose(lang, self.message_fr, self.message_en)

    def __reduce__(self) -> tuple:  # raised in worker processes: must cross back intact
        return (type(self), (self.message_fr, self.message_en))
