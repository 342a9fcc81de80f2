"""kg: knowledge graphs of people, organizations, publications and attributed claims.

``kg.open(...)`` opens a case's store as a :class:`kg.api.Case` (see docs/api.md). The API module
is imported on first use, so importing a part of kg (``kg.store``) does not load the rest.
"""

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("kg")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+src"

if TYPE_CHECKING:
    from kg.api import Answer, Case, open

__all__ = ["Answer", "Case", "__version__", "open"]
_API = ("Answer", "Case", "open")


def __getattr__(name: str) -> Any:
    if name in _API:
        from kg import api

        return getattr(api, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
