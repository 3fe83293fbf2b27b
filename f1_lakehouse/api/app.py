"""The read-only HTTP API: `/v1/<table>` over the published Parquet generation.

Read-only by construction: the process never opens the warehouse file, only the export's
Parquet, through one in-memory DuckDB per process and a cursor per request (a new database
per request cost ~80 ms of a ~175 ms answer at 1,000 sessions, bench/README.md). SQL is built from the generation manifest's
table and column names (checked) with every value bound; a caller's text never becomes SQL.
"""

from __future__ import annotations

import functools
import secrets
from pathlib import Path
from typing import Annotated

import duckdb
import pandas as pd
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles

from f1_lakehouse.api.filters import FilterError, parse_query, where_clause
from f1_lakehouse.dashboard.export import Generation, current_generation
from f1_lakehouse.lib.settings import DataRoot
from f1_lakehouse.read.published import NothingPublished, ReadError, generation, table_info

DESCRIPTION = """
Every published gold model (and silver, when the export publishes it) from the lakehouse's
latest Parquet export, filtered the way OpenF1 is:

* `/v1/session_leaderboard?session_id=2018-04-R&position<=3`: the podium
* `/v1/fact_laps?session_id=2018-04-R&driver_number=44&lap_time_ms<106000`
* operators `=`, `!=`, `<`, `<=`, `>`, `>=`; several filters all apply
* `csv=true` answers CSV; `limit` / `offset` page through (at most the row cap per response;
  the `X-Next-Offset` header says where the next page starts)
* `/v1/tables`: each table's columns, types and row count
"""


# auto_error off: without a configured token the API is open (loopback only, see serve.py).
BEARER = HTTPBearer(auto_error=False)


def _generation(root: DataRoot) -> Generation:
    try:
        return generation(root)
    except NothingPublished as exc:
        raise HTTPException(status_code=503, detail=str(exc)) from None


def _int_control(controls: dict[str, str], name: str, default: int) -> int:
    raw = controls.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise FilterError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 0:
        raise FilterError(f"{name} must not be negative")
    return value


def _bool_control(controls: dict[str, str], name: str) -> bool:
    raw = controls.get(name, "false").lower()
    if raw not in ("true", "false"):
        raise FilterError(f"{name} takes true or false, not {raw!r}")
    return raw == "true"


@functools.cache
def _database() -> duckdb.DuckDBPyConnection:
    """The process's in-memory DuckDB (it holds no tables: every query reads the Parquet)."""
    return duckdb.connect(":memory:")


def _cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of its own for each request: one cursor per thread is DuckDB's rule."""
    return _database().cursor()


def rows_of(
    live: Generation, table: str, raw_query: str, max_rows: int
) -> tuple[pd.DataFrame, int | None, bool]:
    """The rows one request asks for, the next page's offset (None at the end), and CSV or not."""
    info = table_info(live, table)
    query = parse_query(raw_query, info["columns"], table)
    limit = _int_control(dict(query.controls), "limit", max_rows)
    offset = _int_control(dict(query.controls), "offset", 0)
    as_csv = _bool_control(dict(query.controls), "csv")
    if limit > max_rows:
        raise FilterError(f"limit {limit} is above the row cap of {max_rows}: page with offset")
    where, params = where_clause(query.filters)
    with _cursor() as con:
        frame = con.execute(
            f"select * from read_parquet(?){where} order by all limit ? offset ?",
            [str(live.table(table)), *params, limit + 1, offset],
        ).df()
    next_offset = offset + limit if len(frame) > limit else None
    return frame.head(limit), next_offset, as_csv


def create_app(root: DataRoot, token: str | None, max_rows: int) -> FastAPI:
    """The API over one data root; with `token`, every `/v1` call needs `Bearer <token>`."""
    app = FastAPI(
        title="f1-lakehouse read API",
        description=DESCRIPTION,
        version="1",
        docs_url=None,
        redoc_url=None,
    )
    # The bundled Swagger UI (4.x) renders OpenAPI 3.0; nothing here needs 3.1.
    app.openapi_version = "3.0.3"

    def authorised(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
    ) -> None:
        if token is None:
            return
        if credentials is None or not secrets.compare_digest(credentials.credentials, token):
            raise HTTPException(
                status_code=401,
                detail="a bearer token is required (Authorization: Bearer <token>)",
                headers={"WWW-Authenticate": "Bearer"},
            )

    # Swagger UI from the installed bundle: the docs page works with no network.
    import swagger_ui_bundle

    app.mount(
        "/docs-assets", StaticFiles(directory=Path(swagger_ui_bundle.swagger_ui_path)), "docs"
    )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="f1-lakehouse read API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )

    @app.exception_handler(FilterError)
    def bad_filter(request: Request, exc: FilterError) -> JSONResponse:
        return JSONResponse(status_code=400, content={"detail": str(exc)})

    @app.exception_handler(ReadError)
    def unknown(request: Request, exc: ReadError) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": str(exc)})

    @app.get("/v1/tables", dependencies=[Depends(authorised)], summary="Published tables")
    def list_tables() -> dict:
        """Every published table with its layer, row count and columns (name, DuckDB type)."""
        live = _generation(root)
        return {
            "generation": live.name,
            "exported_at": live.manifest["exported_at"],
            "gold_run_id": live.manifest.get("gold_run_id"),
            "row_cap": max_rows,
            "tables": {
                name: {"layer": info["layer"], "rows": info["rows"], "columns": info["columns"]}
                for name, info in sorted(live.tables.items())
            },
        }

    @app.get(
        "/v1/{table}",
        dependencies=[Depends(authorised)],
        summary="Rows of one published table, filtered",
        responses={400: {"description": "unknown column or bad filter"}, 404: {}},
    )
    def read_table(table: str, request: Request) -> Response:
        """Filters are `column<op>value` in the query string (see the API description),
        plus `csv=true`, `limit`, `offset`."""
        live = _generation(root)
        frame, next_offset, as_csv = rows_of(live, table, request.url.query, max_rows)
        headers = {"X-Row-Cap": str(max_rows), "X-Generation": live.name}
        if next_offset is not None:
            headers["X-Next-Offset"] = str(next_offset)
        if as_csv:
            return Response(frame.to_csv(index=False), media_type="text/csv", headers=headers)
        body = frame.to_json(orient="records", date_format="iso", date_unit="ms")
        return Response(body, media_type="application/json", headers=headers)

    _document_tables(app, root)
    return app


def _document_tables(app: FastAPI, root: DataRoot) -> None:
    """One documented path per table published when the API starts (the generic route above
    answers every call, so tables published later are served too)."""
    live = current_generation(root)
    if live is None:
        return
    paths = app.openapi()["paths"]
    generic = paths.pop("/v1/{table}")["get"]
    for name, info in sorted(live.tables.items()):
        columns = ", ".join(f"`{c['name']}` {c['type']}" for c in info["columns"])
        operation = {
            **generic,
            "operationId": f"read_{name}",
            "summary": f"{name} ({info['layer']}, {info['rows']} rows when the API started)",
            "description": f"Filter on any column with `column<op>value`. Columns: {columns}.",
            "parameters": [],
        }
        paths[f"/v1/{name}"] = {"get": operation}
    paths["/v1/{table}"] = {"get": generic}
