"""Holes found by attacking the linked-table fetch of issue 14 (records/fetch.py).

- The time limit was checked only between 64 KB chunks: a server trickling a byte now
  and then (each within the read timeout) kept the worker for as long as it liked
  (up to the job's timeout), whatever ckanext.oit.records.fetch_timeout said.
- A 6to4 address (2002::/16) embeds an IPv4 address; Python 3.11 calls it global, so
  2002:7f00:1:: (127.0.0.1) and 2002:a9fe:a9fe:: (169.254.169.254) passed the check.
"""
from __future__ import annotations

import http.server
import threading
import time

import pytest

from ckanext.oit.records import fetch

pytestmark = pytest.mark.usefixtures("with_plugins")


class _Trickle(http.server.BaseHTTPRequestHandler):
    """A byte every quarter second: each read is quick, the whole is not."""

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", "40")
        self.end_headers()
        try:
            for _ in range(40):
                self.wfile.write(b"a")
                self.wfile.flush()
                time.sleep(0.25)
        except OSError:  # the portal hung up, as it should
            pass


@pytest.fixture
def trickle():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/slow.csv"
    server.shutdown()
    server.server_close()


@pytest.mark.ckan_config("ckanext.oit.records.fetch_allowed", "127.0.0.1/32")
@pytest.mark.ckan_config("ckanext.oit.records.fetch_timeout", "1")
def test_a_trickling_server_is_cut_off_at_the_time_limit(trickle):
    started = time.monotonic()
    with pytest.raises(fetch.FetchError) as refused:
        fetch.get(trickle)
    took = time.monotonic() - started
    assert refused.value.en == "The link did not answer within 1 seconds"
    # the whole body takes the server 10 s: cut off well before it ends, not after it
    assert took < 8, f"the fetch took {took:.1f} s with a 1 s limit"


@pytest.mark.parametrize("address", ["2002:7f00:1::", "2002:a9fe:a9fe::", "2002:a00:1::", "2002:c0a8:101::"])
def test_a_6to4_address_of_a_private_ipv4_address_is_refused(address):
    assert fetch.address_allowed(address) is False


def test_a_6to4_address_of_a_public_ipv4_address_is_still_allowed():
    assert fetch.address_allowed("2002:808:808::") is True  # 8.8.8.8
