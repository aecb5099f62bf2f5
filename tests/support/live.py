"""A second CKAN web process (`ckan run`) on the test configuration, for tests
that need a separate server: browsers, and what another web node sees."""
from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(ini_path: str, folder: Path) -> Iterator[str]:
    """Its site URL on loopback while the block runs."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    ini = folder / "live.ini"
    text = Path(ini_path).read_text()
    ini.write_text(text.replace("ckan.site_url = http://test.ckan.net", f"ckan.site_url = {base}"))
    log_path = folder / "server.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("ckan")), "-c", str(ini), "run",
             "--host", "127.0.0.1", "--port", str(port), "--disable-reloader"],
            stdout=log, stderr=subprocess.STDOUT)
        try:
            for _ in range(120):
                try:
                    if requests.get(f"{base}/api/3/action/status_show", timeout=2).ok:
                        break
                except requests.ConnectionError:
                    time.sleep(0.5)
            else:
                raise RuntimeError(f"CKAN did not start: {log_path.read_text()[-2000:]}")
            yield base
        finally:
            process.terminate()
            process.wait(20)
