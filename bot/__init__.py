"""cmbot: the community manager's tireless assistant and the social media manager's instrument."""

# The one place the version is written: pyproject.toml reads it from here at build time, and `cmbot --version`
# prints it without a metadata look-up (importlib.metadata costs more than the rest of `cmbot --help`).
__version__ = "0.1.0"
