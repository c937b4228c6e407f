"""A throw-away Virtuoso server for the tests (a helper module: the fixture is in conftest.py).

Starts Debian's ``virtuoso-t`` bound to 127.0.0.1 on free ports, with its own database in a
temporary folder and its own ``virtuoso.ini``:

* ``ResultSetMaxRows = 1000000000``: Debian's 10,000 would cut results without telling anyone;
* ``MaxQueryExecutionTime = 30``: an abandoned query is stopped by the server after 30 s;
* ``MaxQueryCostEstimationTime = 0``: no refusal up front on a (often wrong) cost estimate;
* ``DirsAllowed`` = the temporary folder only, no VAD install, no plugins, no Unix socket;
* a user of its own (random password) with the ``SPARQL_UPDATE`` role, used through the
  Digest-authenticated ``/sparql-auth`` and ``/sparql-graph-crud-auth`` endpoints; the anonymous
  ``/sparql`` stays read-only; ``LOAD`` and the Sponger (``FROM <url>`` fetching) are revoked, so
  the server loads nothing from anywhere; the ``dba`` password is changed to a random one.

Each pytest-xdist worker that asks for it starts its own server (ports and folders are unique).
The server runs in its own process group, which is killed at the end: nothing is left running.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VIRTUOSO = "/usr/bin/virtuoso-t"
ISQL = "/usr/bin/isql-vt"
REQUIRE = "POLITIRAAD_REQUIRE_VIRTUOSO"
START_TIMEOUT = 90.0
USER = "politiraad_test"

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
LiteMode = 0
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
CheckpointAuditTrail = 0
AllowOSCalls = 0
SchedulerInterval = 10
DirsAllowed = {dir}
ThreadCleanupInterval = 0
ThreadThreshold = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize = 100000
SingleCPU = 0
PrefixResultNames = 0
RdfFreeTextRulesSize = 100
IndexTreeMaps = 64
MaxMemPoolSize = 100000000
MaxQueryMem = 1G
VectorSize = 1000
MaxVectorSize = 1000000
AdjustVectorSize = 0
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
NumberOfBuffers = 20000
MaxDirtyBuffers = 12000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 10
DavRoot = DAV
EnabledDavVSP = 0
HTTPProxyEnabled = 0
TempASPXDir = 0
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
HTTPThreadSize = 280000
HttpPrintWarningsInOutput = 0
Charset = UTF-8
EnabledGzipContent = 0

[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[SPARQL]
ResultSetMaxRows = 1000000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 30
DefaultQuery = ASK {{}}
DeferInferenceRulesInit = 0
"""

# Run once, as dba, on a new database. Execute rights on the loaders are revoked from the
# roles that carry them, so neither LOAD nor FROM-<url> fetching works for any SPARQL user.
SETUP = """\
DB.DBA.USER_CREATE('{user}', '{password}');
GRANT SPARQL_UPDATE TO "{user}";
REVOKE EXECUTE ON DB.DBA.SPARUL_LOAD FROM SPARQL_UPDATE;
REVOKE EXECUTE ON DB.DBA.RDF_SPONGE_UP FROM SPARQL_SPONGE;
REVOKE EXECUTE ON DB.DBA.RDF_SPONGE_UP_1 FROM SPARQL_SPONGE;
REVOKE EXECUTE ON DB.DBA.RDF_SPONGE_UP_LIST FROM SPARQL_SPONGE;
DB.DBA.USER_CHANGE_PASSWORD('dba', 'dba', '{dba_password}');
"""


class VirtuosoUnavailable(RuntimeError):
    """Virtuoso is not installed here."""


@dataclass(frozen=True)
class VirtuosoServer:
    """A running test server: its URLs and the credentials of its update user."""

    directory: Path
    http_port: int
    sql_port: int
    user: str
    password: str = field(repr=False)
    pid: int = 0
    startup_seconds: float = 0.0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_url(self) -> str:
        return f"{self.base}/sparql-auth"

    @property
    def update_url(self) -> str:
        return f"{self.base}/sparql-auth"

    @property
    def gsp_url(self) -> str:
        return f"{self.base}/sparql-graph-crud-auth"

    @property
    def public_url(self) -> str:
        """The anonymous, read-only endpoint."""
        return f"{self.base}/sparql"

    def config(self, **overrides: Any) -> dict[str, Any]:
        """Settings (as in politiraad_graph.config) for a SparqlStore on this server.

        Loads go through the Graph Store Protocol, the faster way into Virtuoso (one request a
        graph, no SPARQL parsing); ``sparql_gsp_url=""`` gives ``INSERT DATA`` instead.
        """
        values: dict[str, Any] = {
            "store": "sparql",
            "sparql_query_url": self.query_url,
            "sparql_update_url": self.update_url,
            "sparql_gsp_url": self.gsp_url,
            "sparql_user": self.user,
            "sparql_password": self.password,
        }
        values.update(overrides)
        return values

    def log(self) -> str:
        path = self.directory / "virtuoso.log"
        return path.read_text(errors="replace") if path.exists() else ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def available() -> bool:
    return os.access(VIRTUOSO, os.X_OK) and os.access(ISQL, os.X_OK)


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/sparql?query=ASK%7B%7D", timeout=2) as response:
            return int(response.status) == 200
    except urllib.error.HTTPError as error:
        error.close()
        return False
    except OSError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill the server's process group and wait for it: nothing is left running."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _start_once(directory: Path) -> tuple[subprocess.Popen[bytes], VirtuosoServer]:
    directory.mkdir(parents=True, exist_ok=True)
    for name in directory.iterdir():
        if name.is_file() and name.name.startswith("virtuoso"):
            name.unlink()
    http_port, sql_port = free_port(), free_port()
    while sql_port == http_port:
        sql_port = free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(INI.format(dir=directory, sql_port=sql_port, http_port=http_port))
    started = time.monotonic()
    output = (directory / "stdout.log").open("wb")
    process = subprocess.Popen(
        [VIRTUOSO, "+configfile", str(ini), "+foreground"],
        cwd=directory,
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    output.close()
    base = f"http://127.0.0.1:{http_port}"
    try:
        while not _ready(base):
            if process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {process.returncode}")
            if time.monotonic() - started > START_TIMEOUT:
                raise RuntimeError(f"virtuoso-t not ready after {START_TIMEOUT:g} s")
            time.sleep(0.2)
        password = secrets.token_hex(16)
        script = SETUP.format(user=USER, password=password, dba_password=secrets.token_hex(16))
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{sql_port}", "dba", "dba", "VERBOSE=OFF", "BANNER=OFF"],
            input=script.encode(),
            capture_output=True,
            timeout=60,
            check=False,
        )
        report = (done.stdout + done.stderr).decode(errors="replace")
        if done.returncode != 0 or "*** Error" in report:
            raise RuntimeError(f"setting up the test user failed: {report.strip()[-800:]}")
    except BaseException:
        _stop(process)
        raise
    server = VirtuosoServer(
        directory=directory,
        http_port=http_port,
        sql_port=sql_port,
        user=USER,
        password=password,
        pid=process.pid,
        startup_seconds=time.monotonic() - started,
    )
    return process, server


@dataclass
class RunningVirtuoso:
    """A started server and its process, to stop once the tests are done."""

    server: VirtuosoServer
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        _stop(self.process)


def start(directory: Path, *, attempts: int = 3) -> RunningVirtuoso:
    """Start a server in ``directory``; retry on new ports if another process took one."""
    if not available():
        raise VirtuosoUnavailable(
            f"{VIRTUOSO} is not installed: apt-get install virtuoso-opensource "
            f"(or set {REQUIRE}=1 to make its absence a failure)"
        )
    errors: list[str] = []
    for attempt in range(attempts):
        try:
            process, server = _start_once(directory / f"try{attempt}")
        except RuntimeError as error:
            log = directory / f"try{attempt}" / "virtuoso.log"
            tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
            errors.append(f"{error}\n{tail}")
            continue
        return RunningVirtuoso(server, process)
    raise RuntimeError("could not start Virtuoso:\n" + "\n---\n".join(errors))


def serve(directory: Path) -> Iterator[VirtuosoServer]:
    """Generator for a pytest fixture: skip (or fail, if required) when Virtuoso is missing."""
    import pytest

    try:
        running = start(directory)
    except VirtuosoUnavailable as error:
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{error} ({REQUIRE}=1)", pytrace=False)
        pytest.skip(str(error))
    try:
        yield running.server
    finally:
        running.stop()
        shutil.rmtree(directory, ignore_errors=True)
