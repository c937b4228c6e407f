"""What the hardening tests share: listeners that count connections, raw HTTP, store checksums,
the query workers' CPU, a crawler and the checks every HTML page must pass.

The store, the apps and the live servers come from ``tests/conftest.py`` (``sparql_store_path``,
``sparql_app``, ``sparql_server``, ``pages_app_factory``, ``serve_app``); the fixtures of this
folder are in ``tests/hardening/conftest.py``.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from flask import Flask

from politiraad_graph.config import PROJECT_ROOT, load_config
from politiraad_graph.store import checksum, open_store

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
#: Where the suite writes what it tried (one JSON file per test), for the summary of a run.
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "hardening"


def record(name: str, **figures: object) -> None:
    """Write the figures of one test (counts of inputs tried, timings) to ``ARTIFACTS``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(figures, indent=1, sort_keys=True, default=str) + "\n"
    (ARTIFACTS / f"{name}.json").write_text(text, encoding="utf-8")


def examples(ci: int) -> int:
    """How many examples a fuzz test runs: ``ci`` in CI, fifty times more in the long profile."""
    return ci * 50 if PROFILE == "long" else ci


# --- Listeners that count every connection -------------------------------------------------------


@dataclass
class Listener:
    """A TCP listener that accepts, counts and closes every connection made to it."""

    host: str
    sock: socket.socket
    connections: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def run(self) -> None:
        self.sock.settimeout(0.05)
        while not self.stop.is_set():
            try:
                connection, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            connection.close()


@dataclass
class Listeners:
    """One listener on 127.0.0.1 and, where the machine has IPv6, one on [::1]."""

    v4: Listener
    v6: Listener | None

    def all(self) -> list[Listener]:
        return [x for x in (self.v4, self.v6) if x is not None]

    def connections(self) -> int:
        # Give a connection that may be on its way a moment to arrive before counting.
        time.sleep(0.1)
        return sum(x.connections for x in self.all())


def _listen(family: socket.AddressFamily, host: str) -> Listener | None:
    try:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.bind((host, 0))
    except OSError:
        return None
    sock.listen(64)
    return Listener(host, sock)


def open_listeners() -> Listeners:
    """Start a listener on 127.0.0.1 and, where the machine has IPv6, one on [::1]."""
    v4 = _listen(socket.AF_INET, "127.0.0.1")
    assert v4 is not None
    found = Listeners(v4, _listen(socket.AF_INET6, "::1"))
    for listener in found.all():
        listener.thread = threading.Thread(target=listener.run, daemon=True)
        listener.thread.start()
    return found


def close_listeners(found: Listeners) -> None:
    for listener in found.all():
        listener.stop.set()
    for listener in found.all():
        if listener.thread is not None:
            listener.thread.join(timeout=5)
        listener.sock.close()


def tcp_peers() -> set[str]:
    """The remote addresses (hex, as /proc/net/tcp* writes them) of every TCP socket here."""
    peers: set[str] = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(name).read_text().splitlines()[1:]:
                fields = line.split()
                if len(fields) > 2:
                    peers.add(fields[2].split(":")[0])
    return peers


# --- HTTP: whole answers, and raw request lines ---------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def request(
    base: str,
    method: str,
    target: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> Reply:
    """Send one request to a live server and read the whole answer, whatever its status."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    started = time.monotonic()
    try:
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        found = {k.lower(): v for k, v in response.getheaders()}
        return Reply(response.status, found, data, time.monotonic() - started)
    finally:
        connection.close()


def raw_request(base: str, target: bytes, headers: bytes = b"", timeout: float = 30.0) -> int:
    """Send a request line with any bytes in its target; return the status (0 if none came)."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout) as sock:
        sock.sendall(
            b"GET "
            + target
            + b" HTTP/1.1\r\nHost: "
            + (parts.netloc or "").encode()
            + b"\r\n"
            + headers
            + b"Connection: close\r\n\r\n"
        )
        data = b""
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    found = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return int(found.group(1)) if found else 0


# --- The store ------------------------------------------------------------------------------------


def store_checksum(store_path: Path) -> str:
    """A checksum of every quad of an Oxigraph store (opened read-only)."""
    store = open_store(load_config({"store_path": str(store_path)}, environ={}), read_only=True)
    try:
        return checksum(store)
    finally:
        store.close()


# --- The query workers of an app ------------------------------------------------------------------


def worker_pids(app: Flask) -> list[int]:
    """The process ids of the app's query workers (starting them if they are not yet)."""
    from webapp import queries

    with app.app_context():
        runner = queries.runner()
        with runner._lock:
            return [w.process.pid for w in runner._all if w.process.pid]


def cpu_ticks(pid: int) -> int | None:
    """User plus system CPU time of a process in clock ticks; None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] == "Z":  # a zombie has stopped working
        return None
    return int(fields[11]) + int(fields[12])


def busy_seconds(pids: Iterable[int], window: float = 0.5) -> float:
    """The most CPU time any of these processes used during ``window`` seconds, in seconds."""
    pids = list(pids)
    before = {pid: cpu_ticks(pid) for pid in pids}
    time.sleep(window)
    used = 0
    for pid in pids:
        start, end = before[pid], cpu_ticks(pid)
        if start is not None and end is not None:
            used = max(used, end - start)
    return used / os.sysconf("SC_CLK_TCK")


def alive(pid: int) -> bool:
    return cpu_ticks(pid) is not None


# --- Crawling -------------------------------------------------------------------------------------

Getter = Callable[[str], Reply]


class Links(HTMLParser):
    """Every element of a page with its attributes, the links it makes, and its script blocks."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.text: list[str] = []
        self._script: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k.lower(): v or "" for k, v in attrs}
        self.tags.append((tag, found))
        if tag == "script":
            self._script = []
            self.scripts.append((found, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            attrs, _ = self.scripts[-1]
            self.scripts[-1] = (attrs, "".join(self._script))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
        else:
            self.text.append(data)

    def links(self) -> list[str]:
        return [
            value
            for _, attrs in self.tags
            for name, value in attrs.items()
            if name in URL_ATTRIBUTES and value
        ]


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "cite", "xlink:href"}


def crawl(
    get: Getter,
    starts: Iterable[str],
    *,
    follow: Callable[[str], bool] = lambda url: True,
    limit: int = 10_000,
) -> dict[str, Reply]:
    """Visit ``starts`` and every local URL reachable from them through links in HTML pages
    (those ``follow`` accepts)."""
    seen: dict[str, Reply] = {}
    todo = list(starts)[::-1]
    while todo and len(seen) < limit:
        url = todo.pop()
        if url in seen:
            continue
        reply = get(url)
        seen[url] = reply
        if reply.status != 200 or not reply.content_type.startswith("text/html"):
            continue
        for link in Links(reply.text).links():
            absolute = urlsplit(urljoin("http://site" + url, link))
            if absolute.scheme != "http" or absolute.netloc != "site":
                continue
            local = absolute.path + (f"?{absolute.query}" if absolute.query else "")
            if local not in seen and follow(local):
                todo.append(local)
    return seen


def client_getter(app: Flask, headers: dict[str, str] | None = None) -> Getter:
    """Requests through the Flask test client, answered like a live server's."""
    client = app.test_client()

    def get(url: str) -> Reply:
        started = time.monotonic()
        response = client.get(url, headers=headers or {})
        found = {k.lower(): v for k, v in response.headers.items()}
        return Reply(response.status_code, found, response.get_data(), time.monotonic() - started)

    return get


def server_getter(base: str) -> Getter:
    """Requests to a live server over one kept-alive connection (reopened when it drops)."""
    parts = urlsplit(base)
    holder: list[http.client.HTTPConnection] = []

    def get(url: str) -> Reply:
        for attempt in range(2):
            if not holder:
                holder.append(http.client.HTTPConnection(parts.hostname or "", parts.port, 60))
            connection = holder[0]
            started = time.monotonic()
            try:
                connection.request("GET", url)
                response = connection.getresponse()
                data = response.read()
            except (http.client.HTTPException, OSError):
                connection.close()
                holder.clear()
                if attempt:
                    raise
                continue
            found = {k.lower(): v for k, v in response.getheaders()}
            if response.will_close:
                connection.close()
                holder.clear()
            return Reply(response.status, found, data, time.monotonic() - started)
        raise AssertionError("unreachable")

    return get


# --- What every HTML page must be -----------------------------------------------------------------

_UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "data:", "*", "http:")


def csp_directives(policy: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            found.setdefault(words[0].lower(), words[1:])
    return found


def header_problems(reply: Reply) -> list[str]:
    """What is wrong with the security headers of an HTML answer."""
    problems = []
    policy = reply.headers.get("content-security-policy", "")
    directives = csp_directives(policy)
    scripts = directives.get("script-src", directives.get("default-src"))
    if scripts is None:
        problems.append("no script-src or default-src in the Content-Security-Policy")
    else:
        bad = [s for s in scripts if s.lower() in _UNSAFE_SOURCES]
        if bad:
            problems.append(f"script-src allows {bad}")
    if directives.get("object-src") != ["'none'"]:
        problems.append("object-src is not 'none'")
    if reply.headers.get("x-content-type-options", "").lower() != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if reply.headers.get("referrer-policy", "").lower() != "same-origin":
        problems.append("Referrer-Policy is not same-origin")
    return problems


_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")


def scheme_of(url: str) -> str:
    """The scheme a browser would see: ASCII white space and controls are dropped first."""
    cleaned = _IGNORED_IN_SCHEME.sub("", url)
    found = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", cleaned)
    return found.group(1).lower() if found else ""


def markup_problems(html: str) -> list[str]:
    """What in a page could run: scripts other than JSON-LD and our own files, handlers, links
    with script schemes, a JSON-LD block that does not parse or holds a ``<``."""
    page = Links(html)
    problems = []
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=...> event handler")
            if name in URL_ATTRIBUTES and scheme_of(value) in {"javascript", "data", "vbscript"}:
                problems.append(f"<{tag} {name}={value[:60]!r}>")
            if name == "srcset" and "javascript:" in value.lower():
                problems.append(f"<{tag} srcset> with javascript:")
        if tag in {"iframe", "object", "embed", "base", "frame"}:
            problems.append(f"<{tag}> element")
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            problems.append("<meta http-equiv=refresh>")
    for attrs, body in page.scripts:
        if attrs.get("type") == "application/ld+json":
            if "<" in body or ">" in body:
                problems.append("a raw < or > in a JSON-LD block")
            try:
                json.loads(body)
            except ValueError:
                problems.append("a JSON-LD block that does not parse (closed early?)")
        elif not attrs.get("src", "").startswith("/static/") or body.strip():
            problems.append(f"<script {attrs}> that is neither JSON-LD nor one of our files")
    return problems


def visible_text(html: str) -> str:
    return " ".join("".join(Links(html).text).split())


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (from /proc/<pid>/task/*/children)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError):
                children = [int(c) for c in (task / "children").read_text().split()]
                found += children
                todo += children
    return found


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
