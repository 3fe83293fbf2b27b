"""Settings are read in one module: no other module of the package touches the environment.

A reader finds every environment variable in `f1_lakehouse/lib/settings.py`, and no run changes
another's settings by writing `os.environ` (dbt gets the data root as a var instead)."""

import re
from pathlib import Path

import f1_lakehouse
from f1_lakehouse.lib import settings

PACKAGE = Path(f1_lakehouse.__file__).parent
SETTINGS = Path(settings.__file__)
# Reads and writes alike: os.environ[...] / .get / .update, os.getenv, os.putenv, and the
# same names imported from os.
ENVIRONMENT = re.compile(
    r"\bos\.(environ|getenv|putenv|unsetenv)\b|\bfrom\s+os\s+import\s+[^\n]*\b(environ|getenv|putenv)\b"
)


def _touches_environment(path: Path) -> list[str]:
    return [
        f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if ENVIRONMENT.search(line)
    ]


def test_only_the_settings_module_reads_or_writes_the_environment():
    offenders = [
        hit
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != SETTINGS
        for hit in _touches_environment(path)
    ]
    assert offenders == []


def test_the_check_sees_environment_access():
    """The pattern finds what it looks for (else the test above would pass vacuously)."""
    assert _touches_environment(SETTINGS)
    assert ENVIRONMENT.search('os.environ["F1_LAKEHOUSE_ROOT"] = str(root)')
    assert ENVIRONMENT.search("from os import getenv")
    assert not ENVIRONMENT.search("environment = settings.source_mode()")
