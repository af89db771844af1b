"""PyYAML's parser errors, said the way an author can act on them, in French and English.

PyYAML reports what its parser expected ("mapping values are not allowed
here"); authors need the usual cause and fix: quote a text that holds ": ",
indent with spaces, align keys, close a quote or a bracket.
"""

from __future__ import annotations

import re

import yaml

from packager.messages import Bilingual, msg

_CHARACTER = re.compile(r"found character '(.+)' that cannot start any token")
_KEY_COLON = re.compile(r"^\s*(?:-\s+)?[^\s:#'\"][^:#]*:\s+\S")


def explain(error: yaml.MarkedYAMLError, text: str) -> tuple[int | None, Bilingual]:
    """The line to point at and the bilingual message for a YAML syntax error."""
    problem = str(error.problem or error.context or "")
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else None
    lines = text.splitlines()
    source = lines[line - 1] if line and line <= len(lines) else ""
    character = _CHARACTER.search(problem)
    if character:
        value = character.group(1)
        if value == "\\t":
            return line, msg("yaml_tab")
        return line, msg("yaml_start_character", value=value)
    if problem.startswith("mapping values are not allowed"):
        if _KEY_COLON.match(source) and source.count(":") > 1:
            return line, msg("yaml_colon")
        return line, msg("yaml_indentation")
    if "found unexpected end of stream" in problem and "quoted scalar" in str(error.context or ""):
        start = error.context_mark.line + 1 if error.context_mark else line
        return start, msg("yaml_quote")
    if problem.startswith("expected ',' or ']'") or problem.startswith("expected ',' or '}'"):
        start = error.context_mark.line + 1 if error.context_mark else line
        closing = "]" if "]" in problem else "}"
        return start, msg("yaml_bracket", value=closing)
    if problem.startswith("expected <block end>") or "could not find expected ':'" in problem:
        if "'<scalar>'" in problem:
            return line, msg("yaml_after_quote")
        return line, msg("yaml_indentation")
    if problem.startswith("found undefined alias"):
        return line, msg("yaml_alias")
    return line, msg("yaml_syntax", problem=problem)
