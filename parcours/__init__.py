"""parcours: course packages, their validators and an xAPI Learning Record Store."""

__version__ = "0.1.0"
