"""Freed memory handed back to the system.

After a burst, the keys of tens of thousands of queued statements are freed, but
glibc keeps the freed heap for the process: a worker would stay hundreds of MB large
until it restarts. `malloc_trim` returns it. Elsewhere than glibc (musl, macOS) this
does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util

_libc_name = ctypes.util.find_library("c")
_malloc_trim = getattr(ctypes.CDLL(_libc_name), "malloc_trim", None) if _libc_name else None


def release_freed_memory() -> None:
    if _malloc_trim is not None:
        _malloc_trim(0)
