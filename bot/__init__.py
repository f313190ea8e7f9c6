"""cmbot: the community manager's tireless assistant and the social media manager's instrument."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cmbot")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+local"
