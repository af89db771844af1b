"""Pure checks, no web and no database: xAPI statements and e-learning packages."""
