"""Report settings: which context extension names a learner's group, and the
pseudonymisation secret. Read from the LRS `Config.extra` or the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from validators.xapi.vocabulary import ADMINISTRATION_EXTENSION

# The learner's administration (ministry, agency) as the packaged runtime and LMS
# plug-ins report it; more can be listed in PARCOURS_REPORT_GROUP_EXTENSIONS.
DEFAULT_GROUP_EXTENSIONS = (ADMINISTRATION_EXTENSION,)


@dataclass(frozen=True)
class ReportSettings:
    group_extensions: tuple[str, ...] = DEFAULT_GROUP_EXTENSIONS
    pseudonym_secret: str = ""


def report_settings(config: Any = None, environ: dict[str, str] | None = None) -> ReportSettings:
    """`PARCOURS_REPORT_GROUP_EXTENSIONS` (comma-separated IRIs) and
    `PARCOURS_PSEUDONYM_SECRET`, overridden by the same keys in `config.extra`."""
    environ = os.environ if environ is None else environ
    extra = dict(getattr(config, "extra", None) or {})
    raw = extra.get("report_group_extensions", environ.get("PARCOURS_REPORT_GROUP_EXTENSIONS"))
    if isinstance(raw, str):
        groups = tuple(part.strip() for part in raw.split(",") if part.strip())
    elif raw:
        groups = tuple(raw)
    else:
        groups = DEFAULT_GROUP_EXTENSIONS
    secret = extra.get("pseudonym_secret", environ.get("PARCOURS_PSEUDONYM_SECRET", ""))
    return ReportSettings(group_extensions=groups, pseudonym_secret=secret or "")
