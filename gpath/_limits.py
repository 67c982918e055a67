"""The kernel's path limits that gpath applies to volume paths, in one place."""

from __future__ import annotations

#: Longest path in bytes, its terminating NUL included (Linux's PATH_MAX).
PATH_MAX = 4096
#: Symlinks followed while resolving one path before ELOOP (Linux's MAXSYMLINKS).
SYMLOOP_MAX = 40
