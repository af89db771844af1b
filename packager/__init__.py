"""From a course folder to SCORM 1.2, SCORM 2004, cmi5, xAPI and web packages."""
