"""The dashboard in a real browser: every page, an upload through to its objections.

`callinsight dashboard` serves a copy of the demo workspace on a free local port; the system's
Chromium (never a downloaded one) visits every page, uploads a new recording made from a demo
call, waits for its job to finish, and finds one of its objections on the Objections page.
Screenshots of every step are kept under the test's temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import DEMO, ROOT

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
# (URL path, h1 title) of every page; the overview is the default page, served at "/" only
# ("/overview" would show Streamlit's "page not found" dialog first).
PAGES = [
    ("", "Overview"),
    ("objections", "Objections"),
    ("gaps", "Content gaps"),
    ("attribution", "Attribution"),
    ("library", "Content library"),
    ("answer", "Answer an objection"),
    ("calls", "Calls"),
    ("search", "Search"),
    ("upload", "Upload"),
]
# rec-08 (103 s): a nonprofit treasurer raising need, price, authority and timing objections.
RECORDING = DEMO / "recordings" / "rec-08.ogg"
START_TIMEOUT_S = 120
PAGE_TIMEOUT_MS = 60_000
JOB_TIMEOUT_S = 8 * 60
# Streamlit shows its status widget (a Stop button) only while a script run is in progress.
RUNNING_JS = "() => document.querySelector('[data-testid=\"stStatusWidget\"]') !== null"
MAIN_HEIGHT_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  return Math.ceil(main ? main.scrollHeight : document.documentElement.scrollHeight);
}"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recording_as_wav(src: Path, dest: Path, rate: int = 16_000) -> Path:
    """The recording decoded and written as 16-bit PCM WAV: new bytes, so a new call.

    Both channels stay (rep left, prospect right). Opus always decodes at 48 kHz; the demo
    calls were rendered at 16 kHz, so that is the rate written back (a third of the size)."""
    import av

    chunks = []
    with av.open(str(src)) as container:
        stream = container.streams.audio[0]
        assert stream.channels == 2, f"{src.name}: expected 2 channels, got {stream.channels}"
        resampler = av.AudioResampler(format="s16", layout="stereo", rate=rate)
        for frame in container.decode(stream):
            chunks += [f.to_ndarray() for f in resampler.resample(frame)]
        chunks += [f.to_ndarray() for f in resampler.resample(None)]
    samples = np.concatenate(chunks, axis=1).astype("<i2")  # packed s16: (1, frames * 2)
    with wave.open(str(dest), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return dest


class Dashboard:
    """`callinsight -w WORKSPACE dashboard` on 127.0.0.1, its output kept for failures."""

    def __init__(self, workspace: Path, port: int, log: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        exe = Path(sys.executable).with_name("callinsight")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "callinsight.cli"]
        cmd += ["-w", str(workspace), "dashboard", "--port", str(port), "--address", "127.0.0.1"]
        self._ready = threading.Event()
        self._lines: list[str] = []
        self.process = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: teardown reaches the Streamlit child
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        with self.log.open("w") as out:
            for line in self.process.stdout:
                out.write(line)
                out.flush()
                self._lines.append(line)
                if line.startswith("callinsight dashboard: http://"):
                    self._ready.set()

    def output(self, last: int = 40) -> str:
        return "".join(self._lines[-last:])

    def wait_ready(self, timeout_s: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"the dashboard exited with {self.process.returncode}:\n{self.output()}"
                )
            if self._ready.wait(0.5) and self._healthy():
                return
        pytest.fail(f"the dashboard was not ready in {timeout_s:.0f} s:\n{self.output()}")

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=5) as r:
                return r.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # SIGTERM: the CLI stops its worker and the Streamlit child
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        # whatever it left behind in its own group (the Streamlit child, if orphaned)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture
def served_workspace(demo_workspace, demo_store, tmp_path) -> Path:
    """A copy of the session's demo workspace (database, audio...): ours to write."""
    with demo_store.engine.connect() as conn:  # fold the WAL into the file before copying
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    dest = tmp_path / "workspace"
    shutil.copytree(demo_workspace[0], dest)  # with any -wal/-shm left
    return dest


@pytest.fixture
def served_dashboard(served_workspace, tmp_path) -> Iterator[Dashboard]:
    server = Dashboard(served_workspace, free_port(), tmp_path / "dashboard.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture
def chromium():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


def open_page(page, url: str, title: str) -> None:
    """Go to a page and wait until its title is shown and the script has finished running."""
    page.goto(url, wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
    heading = page.locator("h1").filter(has_text=re.compile(rf"^\s*{re.escape(title)}\s*$"))
    heading.first.wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    shown = [t.strip() for t in page.locator("h1").all_inner_texts()]
    assert title in shown, f"{url}: expected the title {title!r}, the page shows {shown}"
    assert_no_exception(page, url)


def wait_idle(page, timeout_s: float = PAGE_TIMEOUT_MS / 1000) -> None:
    """Until Streamlit's running indicator (its Stop button) has been gone for a second."""
    deadline = time.monotonic() + timeout_s
    quiet_since = None
    while time.monotonic() < deadline:
        if page.evaluate(RUNNING_JS):
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= 1.0:
            return
        page.wait_for_timeout(200)
    pytest.fail(f"{page.url}: the app was still running after {timeout_s:.0f} s")


def assert_no_exception(page, where: str) -> None:
    errors = page.locator('[data-testid="stException"]')
    if errors.count():
        pytest.fail(f"{where}: the app shows an exception:\n{errors.first.inner_text()[:2000]}")


def shoot(page, folder: Path, name: str) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its main section, not the
    document, so the window is made as tall as that section for the shot."""
    size = page.viewport_size
    height = page.evaluate(MAIN_HEIGHT_JS)
    page.set_viewport_size(
        {"width": size["width"], "height": min(max(height, size["height"]), 12_000)}
    )
    page.wait_for_timeout(500)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)


JOB_LINE = r"(?m)^\W*\s*{name}\s*·\s*(queued|running|done|failed)\s*$"


def wait_for_job(page, name: str, timeout_s: float = JOB_TIMEOUT_S) -> str:
    """Poll the Upload page's jobs list until the file's job is done; returns its message."""
    pattern = re.compile(JOB_LINE.format(name=re.escape(name)))
    deadline = time.monotonic() + timeout_s
    status, message = "not listed", ""
    while time.monotonic() < deadline:
        text = page.locator("section.main, [data-testid='stMain']").first.inner_text()
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if m := pattern.match(line):
                status = m.group(1)
                message = next((x.strip() for x in lines[i + 1 :] if x.strip()), "")
                break
        if status == "done":
            return message
        if status == "failed":
            pytest.fail(f"the job for {name} failed: {message}")
        page.wait_for_timeout(2000)
    pytest.fail(f"the job for {name} was not done after {timeout_s:.0f} s: {status}, {message!r}")


def test_every_page_then_an_upload_found_among_the_objections(chromium, served_dashboard, tmp_path):
    # chromium first: without a browser the test skips before building and serving anything
    dashboard = served_dashboard
    started = time.monotonic()
    shots = tmp_path / "screenshots"
    shots.mkdir()
    upload = recording_as_wav(RECORDING, tmp_path / f"upload-{RECORDING.stem}.wav")
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        for path, title in PAGES:
            open_page(page, f"{dashboard.url}/{path}", title)
            shoot(page, shots, path or "overview")

        # Upload the new recording and wait for its job.
        open_page(page, f"{dashboard.url}/upload", "Upload")
        page.set_input_files('input[type="file"]', str(upload))
        page.get_by_text(upload.name, exact=True).first.wait_for(state="visible")
        page.get_by_role("button", name="Queue uploads").click()
        page.get_by_text("Queued 1 file.").wait_for(state="visible")
        message = wait_for_job(page, upload.name)
        assert "already in the archive" not in message, f"not a new call: {message}"
        assert_no_exception(page, "/upload")
        shoot(page, shots, "upload-done")
        print(f"\njob for {upload.name}: {message}")

        # Its objections, found by the file's name on the Objections page: the call is named
        # after the file (its title is the file's stem), and each quote line links to it.
        open_page(page, f"{dashboard.url}/objections", "Objections")
        box = page.get_by_label("Find quotes")
        box.fill(upload.stem)
        box.press("Enter")
        count = page.get_by_text(re.compile(r"objection quotes?\s+match")).first
        count.wait_for(state="visible")
        wait_idle(page)
        shoot(page, shots, "objections-found")
        assert_no_exception(page, "/objections after Find quotes")
        found = re.search(r"([\d,]+) objection quotes?", count.inner_text())
        assert found, f"no count in {count.inner_text()!r}"
        n = int(found.group(1).replace(",", ""))
        assert n >= 1, f"no objection quote of {upload.name}: {count.inner_text()!r}"
        links = page.locator('[data-testid="stMain"] a').filter(has_text=upload.stem)
        assert links.count() >= 1, f"{n} quotes match, but no quote line names {upload.stem}"
        print(f"{n} objection quotes of {upload.stem} on /objections")
    except BaseException:  # pytest.fail too: the page as it was when the test gave up
        with contextlib.suppress(Exception):
            shoot(page, shots, "failure")
        raise
    finally:
        page.close()
        print(f"screenshots: {shots}  ({time.monotonic() - started:.0f} s in the browser)")
