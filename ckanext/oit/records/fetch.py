"""Fetching the file behind a linked table so that it is validated like an
upload: on an editor's request, by a background job, the fetched file becomes
the resource's uploaded file and the usual loader (jobs.py) checks and loads it.

The fetch is a request the server makes on a user's behalf, so it goes only to
public addresses: http or https, every address the host resolves to public, the
address actually connected to checked again (after each redirect too, and
whatever DNS says between the check and the connection), no proxy from the
environment, a size limit and a time limit. Operators (and the tests) may allow
further networks or hosts with ``ckanext.oit.records.fetch_allowed``.
"""
from __future__ import annotations

import io
import ipaddress
import logging
import os
import socket
import time
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit.i18n_messages import Message, UserError
from ckanext.oit.records import jobs, validation
from ckanext.oit.records.model import FAILED, QUEUED, RecordsLoad

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
CHUNK = 64 * 1024
# Where the dataset may still be changed directly by its editors (workflow/states.py EDITABLE).
EDITABLE = ("draft", "returned", "withdrawn")


class FetchError(UserError):
    """The link could not be fetched, and why (shown as the table's problem)."""


# --- which addresses may be fetched -------------------------------------------------


def _allowed() -> tuple[list[Any], set[str]]:
    """The extra networks and host names of ``ckanext.oit.records.fetch_allowed``."""
    networks, hosts = [], set()
    for entry in str(tk.config.get("ckanext.oit.records.fetch_allowed") or "").split():
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            hosts.add(entry.lower().rstrip("."))
    return networks, hosts


def address_allowed(address: str) -> bool:
    """A public address (not private, loopback, link-local, shared, reserved,
    multicast or unspecified), or one in an allowed network."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):  # an IPv4 address inside (mapped, or 6to4) is what is reached
        ip = ip.ipv4_mapped or ip.sixtofour or ip
    networks, _hosts = _allowed()
    if any(ip in network for network in networks):
        return True
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_private or ip.is_loopback
                                 or ip.is_link_local or ip.is_unspecified)


def _host_allowed(host: str) -> bool:
    return host.lower().rstrip(".") in _allowed()[1]


def _refused_host(host: str) -> FetchError:
    return FetchError(Message(
        "The link's address %(host)s is not on the public internet; the portal fetches only public addresses",
        host=host))


def check_url(url: str) -> None:
    """Refuse a link that is not http(s) to a public host (before connecting)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError(Message("Only http and https links can be fetched"))
    if parts.username or parts.password:
        raise FetchError(Message("A link with a user name or password cannot be fetched"))
    try:
        parts.port
    except ValueError:
        raise FetchError(Message("Only http and https links can be fetched"))
    host = parts.hostname
    if _host_allowed(host):
        return
    try:
        found = socket.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(Message("The link's host %(host)s was not found", host=host))
    if not found or not all(address_allowed(info[4][0]) for info in found):
        raise _refused_host(host)


class _CheckedConnection:
    """Checks the address it actually connected to (DNS may answer otherwise
    than when the link was checked)."""

    host: str

    def _new_conn(self):  # noqa: D401 (urllib3's hook)
        sock = super()._new_conn()  # type: ignore[misc]
        peer = sock.getpeername()[0]
        if not (_host_allowed(self.host) or address_allowed(peer)):
            sock.close()
            raise _refused_host(self.host)
        return sock


class _HTTPConnection(_CheckedConnection, HTTPConnection):
    pass


class _HTTPSConnection(_CheckedConnection, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _CheckedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment: the address checked is the one reached
    session.mount("http://", _CheckedAdapter(max_retries=0))
    session.mount("https://", _CheckedAdapter(max_retries=0))
    return session


def max_bytes() -> int:
    """The smaller of the fetch limit and CKAN's upload limit (both in MB)."""
    fetch_mb = int(tk.config.get("ckanext.oit.records.fetch_max_mb") or 10)
    upload_mb = int(tk.config.get("ckan.max_resource_size") or fetch_mb)
    return min(fetch_mb, upload_mb) * 1024 * 1024


def get(url: str) -> tuple[bytes, str]:
    """The bytes behind a link and the address they came from (after redirects)."""
    timeout = float(tk.config.get("ckanext.oit.records.fetch_timeout") or 30)
    limit = max_bytes()
    deadline = time.monotonic() + timeout
    with _session() as session:
        for _hop in range(MAX_REDIRECTS + 1):
            check_url(url)
            try:
                response = session.get(url, stream=True, allow_redirects=False, timeout=(timeout, timeout),
                                       headers={"User-Agent": "ckanext-oit (records fetch)"})
            except requests.Timeout:
                raise FetchError(Message("The link did not answer within %(seconds)s seconds", seconds=int(timeout)))
            except requests.RequestException as error:
                raise FetchError(Message("The link could not be reached (%(reason)s)",
                                         reason=type(error).__name__))
            with response:
                if response.is_redirect and response.headers.get("Location"):
                    url = urljoin(url, response.headers["Location"])
                    continue
                if response.status_code != 200:
                    raise FetchError(Message("The link answered HTTP %(status)s instead of a file",
                                             status=response.status_code))
                return _body(response, limit, deadline, timeout), url
    raise FetchError(Message("The link redirects more than %(count)s times", count=MAX_REDIRECTS))


def _too_large(limit: int) -> FetchError:
    return FetchError(Message("The linked file is larger than %(size)s MB", size=limit // (1024 * 1024)))


def _body(response: requests.Response, limit: int, deadline: float, timeout: float) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    body, size = io.BytesIO(), 0
    late = FetchError(Message("The link did not answer within %(seconds)s seconds", seconds=int(timeout)))
    try:
        # one socket read a call, so that a server that trickles meets the deadline
        while True:
            if time.monotonic() > deadline:
                raise late
            chunk = response.raw.read1(CHUNK, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            body.write(chunk)
    except urllib3.exceptions.ReadTimeoutError:
        raise late
    except (urllib3.exceptions.HTTPError, requests.RequestException) as error:
        raise FetchError(Message("The link could not be reached (%(reason)s)", reason=type(error).__name__))
    return body.getvalue()


# --- the action's checks and the job ---------------------------------------------


def not_fetchable(resource: model.Resource | None) -> Message | None:
    """Why this resource's link cannot be fetched now; None if it can."""
    from ckanext.oit.records import states

    if resource is None or resource.state != "active":
        return Message("Resource not found")
    if resource.url_type == "upload" or not states.is_table(resource):
        return Message("Only a linked table of a records item can be fetched and validated")
    package = resource.package
    if (package.extras.get("oit_status") or "draft") not in EDITABLE:
        return Message("A dataset that is pending or published cannot change its file directly; "
                       "fetch the link while the dataset is a draft or returned")
    return None


def already_queued(resource: model.Resource) -> Message | None:
    """One fetch of a table at a time (workers are few): refused while one waits."""
    state = model.Session.get(RecordsLoad, resource.id)
    if state is not None and state.status == QUEUED:
        return Message("The linked file is already being fetched and checked")
    return None


def queue(resource_id: str, user_name: str) -> dict[str, Any]:
    """Mark the table queued and hand the fetch to the worker."""
    resource = model.Resource.get(resource_id)
    state = model.Session.get(RecordsLoad, resource.id)
    if state is None:
        state = RecordsLoad(resource_id=resource.id, package_id=resource.package_id, status=QUEUED)
        model.Session.add(state)
    state.table_name = jobs.table_for(resource)
    state.set(QUEUED, rows=state.row_count)
    state.job_id = None  # the watchdog follows the loader's jobs, not an earlier one
    model.Session.commit()
    try:
        tk.enqueue_job(fetch_job, [resource_id, user_name], title=f"OIT records fetch {resource_id}",
                       rq_kwargs={"timeout": int(tk.config.get("ckanext.oit.records.job_timeout") or 1800)})
    except Exception:
        _failed(resource_id, Message(
            "The file could not be queued for processing; tell the site administrator, then upload it again"))
        raise
    return state.as_dict()


def _failed(resource_id: str, message: Message) -> None:
    model.Session.rollback()
    state = model.Session.get(RecordsLoad, resource_id)
    if state is None:
        return
    state.set(FAILED, rows=state.row_count, problems=[validation.Problem(None, None, None, message).as_dict()])
    model.Session.commit()


def _file_name(url: str, resource: model.Resource) -> str:
    """The linked file's own name when it has a table's extension, else one from the format."""
    name = secure_filename(unquote(os.path.basename(urlsplit(url).path)))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in jobs.FORMATS:
        return name
    kind = (resource.format or "csv").lower()
    return f"table.{kind if kind in jobs.FORMATS else 'csv'}"


def fetch_job(resource_id: str, user_name: str) -> dict[str, Any]:
    """Fetch the link and store it as the resource's file, as the editor who
    asked (the workflow's rules apply to that change as to any other); the
    upload then queues the loader. A refusal or failure ends as "failed"
    with the reason."""
    resource = model.Resource.get(resource_id)
    reason = not_fetchable(resource)
    if reason is not None:
        if resource is not None:
            _failed(resource_id, reason)
        return {"status": FAILED}
    url = resource.url
    try:
        data, final_url = get(url)
    except FetchError as error:
        _failed(resource_id, error.message)
        return {"status": FAILED}
    except Exception as error:  # never left "queued"
        log.exception("fetching the link of resource %s failed", resource_id)
        _failed(resource_id, Message("The link could not be reached (%(reason)s)", reason=type(error).__name__))
        return {"status": FAILED}
    upload = FileStorage(stream=io.BytesIO(data), filename=_file_name(final_url, resource))
    try:
        tk.get_action("resource_patch")({"user": user_name, "ignore_auth": False},
                                        {"id": resource_id, "url": "", "upload": upload})
    except (tk.ValidationError, tk.NotAuthorized, tk.ObjectNotFound) as error:
        detail = error.error_dict if isinstance(error, tk.ValidationError) else str(error)
        log.warning("the fetched file of resource %s was not stored: %s", resource_id, detail)
        _failed(resource_id, Message("The fetched file could not be stored as the resource's file (%(reason)s)",
                                     reason=str(detail)[:300]))
        return {"status": FAILED}
    state = model.Session.get(RecordsLoad, resource_id)
    return state.as_dict() if state is not None else {"status": QUEUED}
