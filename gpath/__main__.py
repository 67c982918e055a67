"""``python -m gpath``: the ``gpath`` command line."""

import sys

from gpath.cli import main

if __name__ == "__main__":
    sys.exit(main())
