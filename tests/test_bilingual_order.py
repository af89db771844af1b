"""French first, English second, everywhere: a call whose English text reads as French
while its French text does not is a swapped pair (say, an `XAPIError(status, en, fr)`
written before the order was one)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Accents, French quotes and apostrophe, and the space French puts before a colon.
FRENCH = re.compile(r"[éèàçêâîôûùœ«»’]| : ")
# name -> position of the French argument (None: the last two arguments)
BILINGUAL_CALLS = {
    "XAPIError": 1, "BilingualError": 0, "CredentialError": 0, "_refuse": 0, "StructureUnreadable": 0, "CourseDescriptionInvalid": 0, "UnreadableFile": 0, "UnreadablePackage": 1,
    "OutputError": 0, "BackupError": 0, "Text": 0, "choose": 1, "_fail": None, "_bad": None, "_invalid": 0,
}


def _text(node: ast.expr) -> str | None:
    """The literal text of a string or f-string argument, `{}` for what is filled in."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
    return None


def _pairs() -> list[tuple[str, int, str, str]]:
    found = []
    for package in ("lrs", "validators", "packager", "parcours"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                if node.func.id not in BILINGUAL_CALLS:
                    continue
                position = BILINGUAL_CALLS[node.func.id]
                position = len(node.args) - 2 if position is None else position
                if position < 0 or len(node.args) < position + 2:
                    continue
                french, english = _text(node.args[position]), _text(node.args[position + 1])
                if french is not None and english is not None:
                    found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.func.id, french, english))
    return found


def test_no_bilingual_pair_is_swapped() -> None:
    pairs = _pairs()
    assert len(pairs) > 100  # the scan sees the calls it is meant to check
    swapped = [(where, name, english) for where, name, french, english in pairs
               if FRENCH.search(english) and not FRENCH.search(french)]
    assert swapped == []
