"""A real HTTP server for client tests: a WSGI app on a free port of 127.0.0.1."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Iterator

from werkzeug.serving import make_server


@contextmanager
def live_server(app: Any) -> Iterator[tuple[str, int]]:
    """Serve `app` in a thread until the block ends; yield (host, port).

    An LRS app's database engine is disposed afterwards, so that PostgreSQL
    test databases can be dropped.
    """
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", httpd.server_port
    finally:
        httpd.shutdown()
        thread.join()
        httpd.server_close()
        engine = getattr(app, "extensions", {}).get("parcours.engine")
        if engine is not None:
            engine.dispose()
