"""`python -m assistant ask|serve|report`: the command line lives with the wiring (server.cli)."""

import sys

from server.cli import main

if __name__ == "__main__":
    sys.exit(main())
