"""The xAPI Learning Record Store (Flask + SQLAlchemy)."""
