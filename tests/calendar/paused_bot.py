"""`python -m tests.calendar.paused_bot POINT ARGS...`: the `cmbot` command, with delivery paused at POINT."""

from __future__ import annotations

import sys

from tests.calendar.pause import install

if __name__ == "__main__":
    install(sys.argv[1])
    from bot.cli import main

    sys.argv = ["cmbot", *sys.argv[2:]]
    main()
