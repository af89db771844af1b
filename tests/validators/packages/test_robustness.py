"""Whatever the bytes, validation returns a report: damaged descriptors and pages never raise."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.validators.packages.builders import BUILDERS, write_zip
from validators.packages import KINDS, validate_package

DESCRIPTORS = {"scorm12": "imsmanifest.xml", "scorm2004-4th": "imsmanifest.xml", "cmi5": "cmi5.xml",
               "xapi": "tincan.xml"}


@st.composite
def damaged(draw):
    kind = draw(st.sampled_from(sorted(BUILDERS)))
    files = BUILDERS[kind]()
    name = draw(st.sampled_from([DESCRIPTORS[kind], "index.html", "style.css"]))
    data = files[name].encode() if isinstance(files[name], str) else files[name]
    start = draw(st.integers(0, len(data)))
    end = draw(st.integers(start, min(len(data), start + 40)))
    insert = draw(st.binary(max_size=12) | st.sampled_from([b"<", b">", b"&", b'"', b"</", b"\xff\xfe", b"<!--"]))
    files[name] = data[:start] + insert + data[end:]
    return kind, files


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damaged(), st.sampled_from(["moodle", "strict"]))
def test_damaged_packages_give_a_report(case, target: str) -> None:
    _kind, files = case
    with tempfile.TemporaryDirectory() as folder:
        report = validate_package(write_zip(Path(folder) / "p.zip", files), target)
    assert report.kind in KINDS
    assert report.kind != "zip", "the descriptor is still there, whatever its content"
    for finding in report.findings:
        assert finding.code and finding.message_fr and finding.message_en and finding.severity
