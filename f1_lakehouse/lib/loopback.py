"""The loopback addresses, in one place: servers bind here, and only here may go unguarded.

The replay server and the read API bind to `LOOPBACK_HOST` by default; the OpenF1 resource
skips the public budget (and environment proxies) for a URL on loopback; the API refuses a
non-loopback bind without a token.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

LOOPBACK_HOST = "127.0.0.1"
LOOPBACK_NAMES = frozenset({LOOPBACK_HOST, "localhost", "::1"})


def is_loopback(host: str) -> bool:
    """Whether a host is this machine: `localhost` or a loopback IP (127.0.0.0/8, ::1).

    Any other name is not, since it may resolve anywhere."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    """Whether a URL's host is on loopback (see `is_loopback`)."""
    return is_loopback(urlsplit(url).hostname or "")
