"""parcours: course packages, their validators and an xAPI Learning Record Store."""
