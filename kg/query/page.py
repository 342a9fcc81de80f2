"""The endpoint's query page: one self-contained HTML file (no CDN), with a strict CSP.

The page's script and style are inline; the Content-Security-Policy allows exactly those (by
sha256), connections to this origin only, and nothing else. The saved questions are embedded as a
JSON data block with ``<`` escaped, so no question text can close the script element. Results are
written with ``textContent`` only: nothing from the graph is ever parsed as HTML.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.query.saved import SavedQuery

_INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.DOTALL)


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def page(questions: dict[str, SavedQuery]) -> tuple[bytes, str]:
    """The page's bytes and the Content-Security-Policy header that goes with them."""
    template = (files("kg.query") / "page.html").read_text(encoding="utf-8")
    data = [{"name": q.name, "title": q.title, "description": q.description, "text": q.text,
             "params": [p.name for p in q.params]} for q in questions.values()]
    blob = json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    html = template.replace("__SAVED__", blob)
    scripts = [_hash(body) for tag, body in _INLINE.findall(html) if tag == "script"]
    styles = [_hash(body) for tag, body in _INLINE.findall(html) if tag == "style"]
    csp = (f"default-src 'none'; script-src {' '.join(scripts)}; style-src {' '.join(styles)}; "
           "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    return html.encode("utf-8"), csp
