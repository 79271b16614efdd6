"""`python -m ui`: the web interface alone (no /api routes); wired in server.cli."""

import sys

from server.cli import serve_ui

if __name__ == "__main__":
    sys.exit(serve_ui())
