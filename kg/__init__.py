"""kg: knowledge graphs of people, organizations, publications and attributed claims."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kg")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+src"
