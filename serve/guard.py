"""Who may talk to the service, and what a browser may do with its pages.

A server on loopback is still reachable from any web page the user opens: through DNS
rebinding (a foreign name that resolves to 127.0.0.1, sent as the Host header) and through
cross-origin form POSTs. So the Host must be one the server is bound to (or one configured),
a POST from a browser must come from the server's own origin or from a configured CORS origin,
and every answer carries headers that keep pages from being framed, sniffed or scripted from
elsewhere."""
from __future__ import annotations

import base64
import hashlib
import re
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from werkzeug.wrappers import Request, Response

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARD_ADDRESSES = frozenset({"", "0.0.0.0", "::"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# 'self' only: every script, style and image of the pages is served by this package
CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")
HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}
EXPOSED = "X-Result-Rows, X-Result-Truncated, X-Policykg-Store, X-Policykg-Parameters"
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>(.*?)</script>", re.S | re.I)


def host_names_for(bind_host: str) -> set[str]:
    """The Host names a server bound to ``bind_host`` answers to: loopback names for loopback,
    the machine's names and addresses for a wildcard address, the address itself otherwise."""
    host = bind_host.strip("[]").lower()
    if host in LOOPBACK_NAMES or host.startswith("127."):
        return set(LOOPBACK_NAMES) | {host}
    if host in WILDCARD_ADDRESSES:
        names = set(LOOPBACK_NAMES) | {socket.gethostname().lower(), socket.getfqdn().lower()}
        try:
            names |= {info[4][0].lower() for info in socket.getaddrinfo(socket.gethostname(), None)}
        except OSError:
            pass
        return names
    return {host}


def parse_origin(value: str) -> str:
    """An origin as a browser sends it in the Origin header, for an exact match: scheme://host
    with its port unless the scheme's default, in lower case; "*" stands for any origin.

    >>> parse_origin("HTTPS://Example.org:443")
    'https://example.org'

    Raises ValueError for anything that is not an origin (a path, even "/", a query, no scheme)."""
    value = value.strip()
    if value == "*":
        return value
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as e:
        raise ValueError(f"{value!r} is not an origin: {e}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or parts.path or parts.query \
            or parts.fragment or parts.username or parts.password:
        raise ValueError(f"{value!r} is not an origin; give scheme://host[:port], such as https://example.org "
                         f"(no path, not even a trailing slash)")
    scheme = parts.scheme.lower()
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    default = {"http": 80, "https": 443}[scheme]
    return f"{scheme}://{host}" + (f":{port}" if port and port != default else "")


def _host_name(host_header: str) -> str:
    """The name in a Host header, without its port (``[::1]:8000`` → ``::1``)."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


@dataclass
class Guard:
    """``hosts``: Host names accepted ("*" accepts any); ``cors_origins``: origins (scheme://host:port)
    whose pages may call the endpoint ("*" for any)."""
    hosts: set[str] = field(default_factory=lambda: set(LOOPBACK_NAMES))
    cors_origins: set[str] = field(default_factory=set)

    def refusal(self, request: Request) -> Response | None:
        """A response refusing the request, or None when it may go on."""
        host = request.environ.get("HTTP_HOST")
        if host is not None and "*" not in self.hosts and _host_name(host) not in self.hosts:
            return _plain(400, f"this server does not answer to the host name {_host_name(host)!r} "
                               f"(start it with --allow-host NAME to accept it)")
        if request.method in SAFE_METHODS:
            return None
        origin = request.headers.get("Origin")
        if origin is not None:
            if origin.lower() == f"{request.scheme}://{request.host}".lower() or self._cors_allows(origin):
                return None
            return _plain(403, f"cross-origin request from {origin} refused (start the server with "
                               f"--cors-origin {origin} to allow that site's pages)")
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            return _plain(403, "cross-site request refused")
        return None

    def _cors_allows(self, origin: str | None) -> bool:
        return origin is not None and ("*" in self.cors_origins or origin in self.cors_origins)

    def preflight(self, request: Request) -> Response | None:
        """The answer to a CORS preflight (OPTIONS with Origin) from a configured origin."""
        origin = request.headers.get("Origin")
        if request.method != "OPTIONS" or not self._cors_allows(origin):
            return None
        return Response(status=204, headers={"Access-Control-Allow-Methods": "GET, POST",
                                             "Access-Control-Allow-Headers": "Accept, Content-Type",
                                             "Access-Control-Max-Age": "600"})

    def decorate(self, request: Request, response: Response) -> Response:
        """The security headers every answer carries (a page may have set its own CSP), and CORS
        headers for a configured origin."""
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Content-Security-Policy", CSP)
        origin = request.headers.get("Origin")
        if self._cors_allows(origin):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = EXPOSED
            response.vary.add("Origin")
        return response


def csp_allowing_inline_scripts(html: str) -> str:
    """The page CSP, plus the hashes of exactly the inline scripts of ``html`` (the graph page
    is one self-contained file) and inline styles."""
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(m.group(1).encode("utf-8")).digest()).decode() + "'"
                      for m in _INLINE_SCRIPT.finditer(html))
    return CSP + f"; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'"


def _plain(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")
