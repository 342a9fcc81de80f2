"""Where the store is: a folder on disk, memory, or a remote SPARQL 1.1 server.

``--store`` (or ``$KG_STORE``, or the ``[store]`` table of a config file) picks it:

- a path: the embedded Oxigraph store in that folder (the default, ``outputs/store``);
- ``memory:``: an in-memory store that lives as long as the command (tests, throwaway work);
- ``http://host:port`` with no path: an Oxigraph server (``/query``, ``/update``, ``/store``);
- any other ``http(s)://`` URL: a SPARQL 1.1 endpoint that takes queries and updates at that URL.

The config file (``kg.toml`` in the working folder, or the file ``$KG_CONFIG`` names) can spell the
endpoints out for other servers. Credentials come from the environment only (``KG_STORE_USER`` and
``KG_STORE_PASSWORD`` for HTTP Basic, or ``KG_STORE_TOKEN`` for a bearer token); a URL or config
file that carries a password is refused, and no message ever shows one.
"""

from __future__ import annotations

import os
import tomllib
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from kg.defaults import DEFAULT_STORE
from kg.errors import InputError, NoStoreError

CONFIG_FILE = "kg.toml"
MEMORY = "memory:"
_ENDPOINT_KEYS = {"url", "query", "update", "graph-store", "timeout"}


@dataclass(frozen=True)
class Remote:
    """A remote SPARQL 1.1 store: its endpoints (its default graph holds the merge kg keeps there)."""

    query: str
    update: str
    graph_store: str | None = None
    timeout: float = 60.0
    auth: str | None = field(default=None, repr=False, compare=False)

    @property
    def label(self) -> str:
        return self.query


@dataclass(frozen=True)
class Location:
    kind: str  # "disk" | "memory" | "remote"
    path: Path | None = None
    remote: Remote | None = None

    def __str__(self) -> str:
        if self.remote is not None:
            return self.remote.label
        return MEMORY if self.path is None else str(self.path)


def require_store(location: Location) -> Location:
    """``location``, if a reader in a new process finds a store there; else NoStoreError, the one
    message and exit code every command gives for it."""
    if location.kind == "memory":
        raise NoStoreError("an in-memory store (memory:) is empty in a new command: read a folder or a server")
    if location.path is not None and not has_store(location.path):
        raise NoStoreError(f"{location.path}: no store here yet (run 'kg build' or 'kg ingest' first)")
    return location


def has_store(path: Path) -> bool:
    """A store folder has been written here (RocksDB's CURRENT file)."""
    return (path / "CURRENT").exists()


def locate(value: str | None = None, config: Path | None = None) -> Location:
    """The store named by ``value`` (``--store``), else ``$KG_STORE``, else the config file, else outputs/store."""
    chosen = value or os.environ.get("KG_STORE")
    if chosen:
        return parse(chosen)
    found = config or config_path()
    if found is not None:
        return from_config(found)
    return Location("disk", DEFAULT_STORE)


def parse(value: str) -> Location:
    if value == MEMORY:
        return Location("memory")
    if value.startswith(("http://", "https://")):
        return Location("remote", remote=remote_from_url(value))
    if "://" in value:
        raise InputError(f"--store {value.split('://')[0]}://...: only http(s):// URLs, memory: or a folder")
    return Location("disk", Path(value))


def remote_from_url(url: str, **settings: object) -> Remote:
    parts = _checked_url(url, "--store")
    root = parts._replace(path=parts.path.rstrip("/"), query="", fragment="")
    if not root.path:  # an Oxigraph server's root: its conventional endpoints
        base = urllib.parse.urlunsplit(root)
        defaults: dict[str, object] = {"query": f"{base}/query", "update": f"{base}/update",
                                       "graph_store": f"{base}/store"}
    else:
        defaults = {"query": url, "update": url, "graph_store": None}
    defaults.update({k: v for k, v in settings.items() if v is not None})
    return Remote(auth=_auth(), **defaults)  # type: ignore[arg-type]


def from_config(path: Path) -> Location:
    data = read_config(path)
    table = data.get("store")
    if table is None:
        return Location("disk", DEFAULT_STORE)  # the file configures something else: the default store
    if not isinstance(table, dict):
        raise InputError(f"{path}: [store] must be a table")
    for key in table:
        if key in ("password", "token", "user"):
            raise InputError(f"{path}: [store] {key}: credentials are never read from files; "
                             "set KG_STORE_USER and KG_STORE_PASSWORD, or KG_STORE_TOKEN")
    if "path" in table:
        return Location("disk", (path.parent / str(table["path"])).resolve())
    if table.get("memory") is True:
        return Location("memory")
    if "union" in table:  # kg asked servers for a union once; it keeps the merge in the default graph now
        raise InputError(f"{path}: [store] union is no longer needed (kg keeps the merge of the sources in the "
                         "store's default graph); remove the key")
    unknown = set(table) - _ENDPOINT_KEYS
    if unknown:
        raise InputError(f"{path}: [store] unknown key {sorted(unknown)[0]!r} "
                         f"(expected path, memory or {', '.join(sorted(_ENDPOINT_KEYS))})")
    url = table.get("url") or table.get("query")
    if not isinstance(url, str):
        raise InputError(f"{path}: [store] needs path, memory = true, url or query")
    settings: dict[str, object] = {}
    for key in ("query", "update", "graph-store"):
        if key in table:
            settings[key.replace("-", "_")] = urllib.parse.urlunsplit(_checked_url(str(table[key]),
                                                                                   f"{path}: [store] {key}"))
    if "timeout" in table:
        timeout = table["timeout"]
        if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
            raise InputError(f"{path}: [store] timeout must be a positive number of seconds")
        settings["timeout"] = float(timeout)
    if "query" in settings and "update" not in settings:
        settings["update"] = settings["query"]
    return Location("remote", remote=remote_from_url(url, **settings))


# Every table and key kg reads from kg.toml ([store] checks its own keys: a typo there is an error)
KNOWN_TABLES: dict[str, set[str] | None] = {"store": None, "build": {"curation"},
                                            "cluster": {"dask", "shared-path", "timeout"}}


def read_config(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read config ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None


def config_warnings(path: Path) -> list[str]:
    """What kg.toml holds that kg does not know (it would otherwise be ignored without a word)."""
    notes = []
    for name, value in read_config(path).items():
        if name not in KNOWN_TABLES:
            notes.append(f"{path}: unknown table or key {name!r} is ignored (kg reads {', '.join(KNOWN_TABLES)})")
            continue
        keys = KNOWN_TABLES[name]
        if keys is not None and isinstance(value, dict):
            notes.extend(f"{path}: [{name}] unknown key {key!r} is ignored (expected {', '.join(sorted(keys))})"
                         for key in value if key not in keys)
    return notes


def config_path() -> Path | None:
    """The config file in use: the one ``$KG_CONFIG`` names, else kg.toml in the working folder."""
    return _config_path()


def config_table(name: str) -> tuple[Path, dict[str, object]] | None:
    """The config file and its table ``[name]``, when there is a config file with that table."""
    found = config_path()
    if found is None:
        return None
    table = read_config(found).get(name)
    if table is None:
        return None
    if not isinstance(table, dict):
        raise InputError(f"{found}: {name} must be a table ([{name}])")
    return found, table


def _config_path() -> Path | None:
    named = os.environ.get("KG_CONFIG")
    if named:
        if not Path(named).is_file():
            raise InputError(f"KG_CONFIG={named}: no such file")
        return Path(named)
    local = Path(CONFIG_FILE)
    return local if local.is_file() else None


def _checked_url(url: str, where: str) -> urllib.parse.SplitResult:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{where}: expected http(s)://host[:port][/path]")
    if parts.username is not None or parts.password is not None:
        raise InputError(f"{where}: credentials in the URL are refused; set KG_STORE_USER and "
                         "KG_STORE_PASSWORD, or KG_STORE_TOKEN, in the environment")
    return parts


def _auth() -> str | None:
    """The Authorization header value from the environment, if any."""
    token = os.environ.get("KG_STORE_TOKEN")
    if token:
        return f"Bearer {token}"
    user = os.environ.get("KG_STORE_USER")
    if user:
        import base64

        password = os.environ.get("KG_STORE_PASSWORD", "")
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return None
