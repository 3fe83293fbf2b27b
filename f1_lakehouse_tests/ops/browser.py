"""Headless Chromium (Debian's chromium + chromium-driver) driven by Selenium, and servers started
on free loopback ports for it: what the browser tests need."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from f1_lakehouse.lib.settings import REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
# The machine's network is closed: without the background-networking flags Chromium keeps
# trying (and failing) to reach Google's services.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def require(tool: str | None, what: str) -> None:
    """Skip locally when a system tool is missing; in CI (which installs it) fail instead."""
    if tool:
        return
    message = f"{what} is not installed (CI installs it: see .ci/run)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def chrome():
    """A headless Chromium under chromedriver, with a fresh profile."""
    require(CHROMIUM, "Debian's chromium")
    require(CHROMEDRIVER, "Debian's chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tempfile.mkdtemp(prefix='f1-chrome-')}"):
        options.add_argument(flag)
    options.add_argument("--window-size=1400,1000")
    # An explicit driver path: Selenium Manager would otherwise try to download one.
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def page_text(driver) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.TAG_NAME, "body").text


def wait_for(driver, condition: Callable[[object], bool], timeout: float = 60.0) -> None:
    """Wait until the rendered page satisfies `condition`; fail with what the page showed."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(driver, timeout, poll_frequency=0.25).until(condition)
    except TimeoutException:
        pytest.fail(f"page never showed what was expected; it showed:\n{page_text(driver)[:3000]}")


def screenshot(driver, name: str, height: int | None = None, width: int = 1400) -> Path:
    """Save a screenshot under test-artifacts/ (tall enough for the whole page) and print it."""
    ARTIFACTS.mkdir(exist_ok=True)
    if height is None:
        height = driver.execute_script(
            "const main = document.querySelector('[data-testid=stMain]');"
            "return Math.max(document.body.scrollHeight, main ? main.scrollHeight : 0);"
        )
    driver.set_window_size(width, max(1000, int(height) + 80))
    time.sleep(1.0)  # let charts re-lay out at the new size
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return path


@contextlib.contextmanager
def server(
    command: list[str], env: dict[str, str], health_url: str, log: Path, timeout: float = 180.0
) -> Iterator[None]:
    """Start a server in its own session, wait (bounded) for its health URL, and stop its whole
    process group at the end."""
    with open(log, "w") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                pytest.fail(f"{command[0]} exited with {process.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(health_url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"{health_url} not up after {timeout:.0f} s:\n{log.read_text()}")
            time.sleep(0.5)
        yield
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
