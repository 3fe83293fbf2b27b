"""`f1-lakehouse api`: serve the read API with uvicorn, loopback unless a token guards it."""

from __future__ import annotations

import sys

from f1_lakehouse.lib.loopback import LOOPBACK_HOST, is_loopback
from f1_lakehouse.lib.settings import DataRoot, api_max_rows, api_token, data_root

DEFAULT_HOST = LOOPBACK_HOST
DEFAULT_PORT = 8000
EXIT_REFUSED = 2


class BindRefused(RuntimeError):
    """A non-loopback address without a bearer token: the data would be open to the network."""


def check_bind(host: str, token: str | None) -> None:
    if not is_loopback(host) and token is None:
        raise BindRefused(
            f"refusing to bind the API to {host}: outside loopback it needs a bearer token; "
            "set F1_LAKEHOUSE_API_TOKEN (clients send Authorization: Bearer <token>)"
        )


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, root: DataRoot | None = None) -> int:
    token = api_token()
    try:
        check_bind(host, token)
    except BindRefused as exc:
        print(f"f1-lakehouse api: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    import uvicorn

    from f1_lakehouse.api.app import create_app

    app = create_app(root or data_root(), token=token, max_rows=api_max_rows())
    uvicorn.run(app, host=host, port=port, log_level="info")
    return 0
