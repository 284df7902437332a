"""``callinsight dashboard``: the Streamlit app in a child process, the job worker in this one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from callinsight.config import CHECKOUT, Settings
from callinsight.dashboard.jobs import Worker
from callinsight.errors import CallinsightError, E

APP = CHECKOUT / "app" / "streamlit_app.py"


def streamlit_command(port: int, address: str, app: Path = APP) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--server.maxUploadSize",
        "500",
        "--theme.base",
        "light",
        # Streamlit collects garbage after every run: a full pass over every object the
        # imported libraries hold (0.1-0.4 s a page), holding the GIL while the page's last
        # message waits to be sent. Python's own generational collection still runs.
        "--runner.postScriptGC",
        "false",
    ]


def wait_healthy(url: str, process: subprocess.Popen, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CallinsightError(E.E306, reason=f"the dashboard exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise CallinsightError(E.E306, reason=f"the dashboard did not answer at {url} in time")


def serve(
    settings: Settings,
    port: int = 8501,
    address: str = "127.0.0.1",
    announce: Callable[[str], None] = print,
) -> int:
    """Run until interrupted (Ctrl-C or SIGTERM); returns the app's exit status."""
    env = dict(os.environ)
    env["CALLINSIGHT_WORKSPACE"] = str(settings.workspace.resolve())
    if settings.database_url:
        env["CALLINSIGHT_DATABASE_URL"] = settings.database_url
    process = subprocess.Popen(streamlit_command(port, address), env=env, cwd=CHECKOUT)
    jobs = Worker(settings)
    stopping = False

    def stop(_signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        url = f"http://{address}:{port}"
        wait_healthy(url, process)
        jobs.start_thread()
        announce(url)
        while not stopping and process.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        jobs.stop()
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return process.returncode or 0
