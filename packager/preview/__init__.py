"""`parcours preview`: a local server that rebuilds the course on every change and shows
it beside an inspector playing the LMS (SCORM API) or the LRS (cmi5, Tin Can)."""

from packager.preview.server import Preview

__all__ = ["Preview"]
