"""dbt's Jinja templates compiled once per checkout, not once per process.

Every dbt invocation renders its macros (materialisations, tests, adapters' helpers) and model
SQL through Jinja templates, and Jinja turns each template into Python code by lexing, parsing
and generating source in pure Python: ~1.3 s of a one-session run on a fast 2-core host (3 s on a
slow one), paid again by every new process (a run, a backfill, the gold refresh). dbt keeps the
compiled templates only in memory (`dbt_common.clients.jinja.template_cache`). Here the code
objects Jinja produces are kept on disk beside the project, in `dbt_project/target/jinja/` (as
Python keeps its bytecode beside the code: they depend on the project's text and the installed
packages, never on a data root), keyed by everything the generated code depends on: the template
text, the environment's class, extensions, filters and tests (and how each takes its arguments),
its syntax settings, and the versions of Jinja, dbt-common and Python. A changed macro or model
gets a new key; an unreadable entry is compiled again and rewritten; a folder that cannot be
written only costs each process its compiles. `DBT_MACRO_DEBUGGING` (dbt's own switch for
debugging templates) bypasses the cache.

Relies on `jinja2.Environment.compile` (Jinja 3.1) and dbt-common's environment classes
`MacroFuzzEnvironment` / `NativeSandboxEnvironment` (lib/dbt/__init__.py lists the pins).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from dbt_common.clients import jinja as dbt_jinja
from jinja2.utils import _PassArg

_state: dict[str, Any] = {"folder": None, "original": None}
_VERSIONS = (jinja2.__version__, version("dbt-common"), sys.version)
_SYNTAX = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
    "comment_start_string", "comment_end_string", "line_statement_prefix",
    "line_comment_prefix", "trim_blocks", "lstrip_blocks", "newline_sequence",
    "keep_trailing_newline", "optimized", "is_async",
)  # fmt: skip


_fingerprints: dict[tuple[Any, ...], str] = {}


def environment_fingerprint(env: jinja2.Environment) -> str:
    """What, besides the template text, decides the Python code Jinja generates. dbt makes a
    new environment per template but few distinct ones, so each is worked out once (by the
    identity of its class, extensions, filters, tests and settings)."""
    identity = (
        type(env),
        tuple(env.extensions),
        tuple(env.filters.items()),
        tuple(env.tests.items()),
        tuple(getattr(env, setting) for setting in _SYNTAX),
        env.autoescape,
        env.finalize,
    )
    try:
        if identity not in _fingerprints:
            _fingerprints[identity] = _fingerprint(env)
        return _fingerprints[identity]
    except TypeError:  # an unhashable filter or setting: work it out each time
        return _fingerprint(env)


def _fingerprint(env: jinja2.Environment) -> str:
    callables = [
        (kind, name, repr(_PassArg.from_obj(function)))
        for kind, table in (("filter", env.filters), ("test", env.tests))
        for name, function in sorted(table.items())
    ]
    parts = [
        *_VERSIONS,
        f"{type(env).__module__}.{type(env).__qualname__}",
        f"{env.code_generator_class.__module__}.{env.code_generator_class.__qualname__}",
        *sorted(env.extensions),
        *(repr(getattr(env, setting)) for setting in _SYNTAX),
        repr(env.autoescape) if not callable(env.autoescape) else "autoescape: callable",
        "finalize" if env.finalize is not None else "",
        repr(callables),
    ]
    return "\x1f".join(parts)


def cache_key(
    env: jinja2.Environment, source: str, name: str | None, filename: str | None, defer: bool
) -> str:
    text = "\x1e".join([environment_fingerprint(env), repr((name, filename, defer)), source])
    return hashlib.sha256(text.encode()).hexdigest()


def _cached_compile(
    self: jinja2.Environment,
    source: Any,
    name: str | None = None,
    filename: str | None = None,
    raw: bool = False,
    defer_init: bool = False,
) -> str | CodeType:
    original = _state["original"]
    folder: Path | None = _state["folder"]
    if folder is None or raw or not isinstance(source, str) or dbt_jinja.MACRO_DEBUGGING:
        return original(self, source, name, filename, raw, defer_init)
    key = cache_key(self, source, name, filename, defer_init)
    path = folder / key[:2] / key
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass  # not cached yet, or unreadable: compile it (again)
    code = original(self, source, name, filename, raw, defer_init)
    _write_atomically(path, marshal.dumps(code))
    return code


def _write_atomically(path: Path, data: bytes) -> None:
    """Best effort: a full disk or a read-only cache only costs the next process a compile."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=".entry-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(scratch, path)
    except OSError:
        return


def template_cache_dir(project_dir: Path) -> Path:
    return project_dir / "target" / "jinja"


def use_template_cache(folder: Path) -> None:
    """Compile dbt's templates through the cache in `folder` from now on in this process; the
    last call's folder wins."""
    if _state["original"] is None:
        _state["original"] = jinja2.Environment.compile
        # NativeSandboxEnvironment (dbt's native rendering) inherits it.
        dbt_jinja.MacroFuzzEnvironment.compile = _cached_compile  # type: ignore[method-assign,assignment]
    _state["folder"] = folder
