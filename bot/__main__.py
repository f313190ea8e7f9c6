"""`python -m bot` is the same as the `cmbot` command."""

from bot.cli import main

main()
