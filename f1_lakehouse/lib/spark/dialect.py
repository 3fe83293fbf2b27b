"""DuckDB-only SQL in the dbt project: what stops a model text from running on Spark as well.

Each construct has a shared form both engines accept or a cross-engine macro
(dbt_project/macros/cross_engine/); the dialect test counts what is left, so the count only
goes down. Comments are not SQL and are skipped; the cross-engine macros are where DuckDB's
forms belong, so they are not scanned.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

CROSS_ENGINE_MACROS = Path("macros") / "cross_engine"

# construct -> (pattern, the shared form or macro that replaces it)
CONSTRUCTS: dict[str, tuple[re.Pattern[str], str]] = {
    name: (re.compile(pattern, re.IGNORECASE), fix)
    for name, pattern, fix in [
        ("qualify", r"\bqualify\b", "a flag column, then `where`"),
        ("union_by_name", r"\bunion\s+(all\s+)?by\s+name\b", "`union all` with equal column lists"),
        ("star_exclude", r"\*\s*exclude\s*\(", "`* except (...)` (DuckDB accepts it)"),
        (
            "window_filter",
            r"\bfilter\s*\(\s*where\b(?:[^()]|\([^()]*\))*\)\s*over\b",
            "`case` inside the window aggregate",
        ),
        ("arg_max_min", r"\barg_(max|min)\s*\(", "`max_by`/`min_by`"),
        ("list_extract", r"\blist_extract\s*\(", "literal_list_element()"),
        ("regexp_full_match", r"\bregexp_full_match\s*\(", "regexp_whole_match()"),
        ("regexp_matches", r"\bregexp_matches\s*\(", "regexp_search()"),
        ("integer_division", r"(?<![:/])//(?!/)", "integer_divide()"),
        ("to_milliseconds", r"\bto_milliseconds\s*\(", "timestamp_add_ms()"),
        ("asof_join", r"\basof\s+((inner|left)\s+)?join\b", "a range join + `max_by`"),
        ("varchar_type", r"(::\s*|\bas\s+)varchar\b", "`string`"),
        ("timestamptz_type", r"\btimestamptz\b|\btimestamp\s+with\s+time\s+zone\b", "`timestamp`"),
        ("hugeint_type", r"\bhugeint\b", "cast sums to `bigint`"),
        ("read_parquet", r"\bread_parquet\s*\(", "bronze_relation()"),
        ("glob", r"\bglob\s*\(", "bronze_relation()"),
    ]
}
# regexp_replace with a 4th argument ('g' on DuckDB, a position on Spark: NULL, silently)
REGEXP_REPLACE = re.compile(r"\bregexp_replace\s*\(", re.IGNORECASE)
REGEXP_REPLACE_FIX = "regexp_replace_all()"

_COMMENTS = re.compile(r"\{#.*?#\}|--[^\n]*|/\*.*?\*/", re.DOTALL)
_STRINGS = re.compile(r"'(?:[^'\n]|'')*'")


@dataclass(frozen=True, order=True)
class Finding:
    """One DuckDB-only construct at a place in a file."""

    path: str
    line: int
    construct: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.construct} -> {fix_for(self.construct)}"


def fix_for(construct: str) -> str:
    if construct == "regexp_replace_4_args":
        return REGEXP_REPLACE_FIX
    return CONSTRUCTS[construct][1]


def _without_comments(text: str) -> str:
    """Comments blanked out, newlines kept, so line numbers stay true."""
    return _COMMENTS.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _argument_count(text: str, start: int) -> int:
    """Top-level arguments of the call whose `(` is at `start` (quotes and nesting respected)."""
    depth, count, quote = 0, 1, ""
    for char in text[start:]:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return count
        elif char == "," and depth == 1:
            count += 1
    return count


def scan_text(text: str, path: str = "<text>") -> list[Finding]:
    """The DuckDB-only constructs in one SQL (or Jinja SQL) text; comments and string contents skipped."""
    sql = _without_comments(text)
    # words inside string literals ('did not qualify') are data, not SQL
    code = _STRINGS.sub(lambda m: "'" + " " * (len(m.group(0)) - 2) + "'", sql)

    def line_of(offset: int) -> int:
        return sql.count("\n", 0, offset) + 1

    findings = [
        Finding(path, line_of(match.start()), name)
        for name, (pattern, _) in CONSTRUCTS.items()
        for match in pattern.finditer(code)
    ]
    for match in REGEXP_REPLACE.finditer(code):
        if _argument_count(sql, match.end() - 1) >= 4:
            findings.append(Finding(path, line_of(match.start()), "regexp_replace_4_args"))
    return sorted(findings)


def scan_project(project_dir: Path, folder: str) -> list[Finding]:
    """Every finding in `<project>/<folder>/**/*.sql`, the cross-engine macros left out."""
    findings: list[Finding] = []
    for path in sorted((project_dir / folder).rglob("*.sql")):
        relative = path.relative_to(project_dir)
        if relative.is_relative_to(CROSS_ENGINE_MACROS):
            continue
        findings += scan_text(path.read_text(), str(relative))
    return findings


def counts(findings: list[Finding]) -> dict[str, int]:
    return dict(sorted(Counter(f.construct for f in findings).items()))
