"""Keeping credentials out of everything a user can see or save.

A feed's URL may carry a user, a password and a query token, and its headers often carry an API key.
None of them may reach `stats`, `last_error`, the widget's state, the badge, a log line or a saved
notebook. Every text about a connection passes through `Redactor.redact` before it is stored, so
there is one place to get right, whatever library raised the error and whatever it put in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import unquote, unquote_plus, urlsplit, urlunsplit

MASK = "***"

# Secrets shorter than this are masked only where they appear inside the URL itself: masking every
# "a" of an error message because the password is "a" would garble the message and hide nothing.
_MIN_FREE_STANDING = 4


def public_url(url: str) -> str:
    """`url` without user, password, query or fragment: safe to show in the page and to save."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:  # a malformed port or bracket: say nothing of what follows the scheme
        scheme = url.split(":", 1)[0] if ":" in url else ""
        return f"{scheme}://{MASK}" if scheme.isalpha() else MASK
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class Redactor:
    """Masks the secrets of one feed (URL credentials and query, header values) in any text."""

    def __init__(self, url: str | None, headers: Mapping[str, str] | None = None) -> None:
        self._url = url
        self._public = None if url is None else public_url(url)
        secrets: set[str] = set()
        if url is not None:
            secrets.update(_url_secrets(url))
        for value in (headers or {}).values():
            value = str(value)
            secrets.add(value)
            # "Bearer abc": the token alone may be echoed back by a server.
            secrets.update(part for part in value.split() if len(part) >= _MIN_FREE_STANDING)
        secrets.discard("")
        # Longest first, so that a secret containing another is masked whole.
        self._secrets = sorted(secrets, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """`text` with the URL replaced by its public form and every secret masked."""
        if self._url is not None and self._public is not None:
            text = text.replace(self._url, self._public)
        for secret in self._secrets:
            if len(secret) >= _MIN_FREE_STANDING:
                text = text.replace(secret, MASK)
        return text


def _url_secrets(url: str) -> set[str]:
    """The user, password, query string (whole, and each value) and fragment of `url`."""
    try:
        parts = urlsplit(url)
        username, password = parts.username, parts.password
    except ValueError:
        return {url}
    found: set[str] = set()
    for raw in (username, password, parts.query, parts.fragment):
        if raw:
            found.update({raw, unquote(raw)})
    if parts.netloc and "@" in parts.netloc:
        found.add(parts.netloc.rsplit("@", 1)[0])  # "user:password" as written
    for piece in parts.query.replace(";", "&").split("&"):
        value = piece.partition("=")[2]
        if value:  # as written, and decoded both ways a server may decode it
            found.update({value, unquote(value), unquote_plus(value)})
    return found
