"""Upload throughput and server memory for one large `documents` file, against a raw `COPY` baseline.

What it measures, in one run:

1. an embedded PostgreSQL is started in a temporary folder and migrated; the test referential
   (GHT-IDF-TEST, legal entity 750712184 and its sites) is recorded and an admin key issued;
2. a deterministic `documents` CSV of `--rows` rows (1,000,000 by default) for 2025-03 is written;
3. the service runs as a separate process (`hopen2 serve`, uvicorn on 127.0.0.1) so that its
   resident memory can be sampled (psutil, every 50 ms, children included) during the upload;
4. the file is streamed from disk to
   `POST /api/v1/legal-entities/750712184/periods/2025-03/submissions/documents`
   and timed from the request's start to the answer (201, row_count == rows);
5. the same file is `COPY`ed (asyncpg `copy_to_table`, CSV with header) into a plain unindexed
   table with the natural types (text, integer, boolean, timestamptz); three runs, median kept.

It prints rows/s for both, their ratio and the server's peak RSS, beside the targets:
upload rows/s >= 0.5 x raw COPY rows/s, and server peak RSS < 300 MB.

Run on demand (pytest does not collect this folder):

    .venv/bin/python tests/benchmarks/bench_upload.py [--rows 1000000] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import psutil

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from adapters.embedded_postgres_server import start_embedded_postgres  # noqa: E402
from adapters.persistence.database import create_engine  # noqa: E402
from adapters.persistence.pg_api_key_store import PgApiKeyStore  # noqa: E402
from adapters.persistence.pg_referential_store import PgReferentialStore  # noqa: E402
from adapters.persistence.schema_migrations import upgrade  # noqa: E402
from domain.access import Principal, Role  # noqa: E402
from tests.support.referential import ENTITIES, ENTITY_A, GHTS, SITES  # noqa: E402

PERIOD = "2025-03"
TARGET_RATIO = 0.5
TARGET_RSS_MB = 300.0
COPY_RUNS = 3
SAMPLE_SECONDS = 0.05
CHUNK_BYTES = 1024 * 1024
MB = 1024 * 1024

COLUMNS = (
    "document_id",
    "version",
    "patient_id",
    "encounter_id",
    "type_code",
    "produced_at",
    "format",
    "ins_qualified",
    "datamatrix",
    "dmp_status",
    "dmp_sent_at",
    "subcontracted",
    "no_transmission",
    "discipline",
    "modality",
    "unit",
)
RAW_TABLE_DDL = """CREATE TABLE bench_raw_documents (
    document_id text, version integer, patient_id text, encounter_id text, type_code text,
    produced_at timestamptz, format text, ins_qualified boolean, datamatrix boolean, dmp_status text,
    dmp_sent_at timestamptz, subcontracted boolean, no_transmission boolean, discipline text,
    modality text, unit text)"""

LAB, IMAGING = "11502-2", "18748-4"
TYPE_CODES = ("11490-0", "57833-6", "34874-8", "11488-4", LAB, IMAGING)
TYPE_WEIGHTS = (30, 25, 8, 15, 14, 8)
FORMATS = ("CDA_R2_N1", "PDF", "SCAN", "CDA_R2_N3", "OTHER")
FORMAT_WEIGHTS = (85, 8, 4, 2, 1)
DISCIPLINES = ("GENERALE", "ACP", "GENETIQUE")
MODALITIES = ("RADIO", "SCANNER", "ECHO", "IRM", "MAMMO", "AUTRE")
UNITS = ("CARDIO", "PNEUMO", "URGENCES", "CHIR-DIG", "ORTHO", "PEDIATRIE", "MATERNITE", "GERIATRIE")
DISTINCT_PATIENTS = 200_000


# --- the file -------------------------------------------------------------------------------


def write_documents_csv(path: Path, rows: int, seed: int = 1) -> None:
    """A valid documents file for 2025-03: unique document ids, ~200k patients, no encounter links."""
    rng = random.Random(seed)
    types = rng.choices(TYPE_CODES, TYPE_WEIGHTS, k=rows)
    formats = rng.choices(FORMATS, FORMAT_WEIGHTS, k=rows)
    batch: list[str] = []
    with path.open("w", encoding="utf-8", newline="", buffering=CHUNK_BYTES) as out:
        out.write(",".join(COLUMNS) + "\n")
        for index in range(rows):
            type_code, fmt = types[index], formats[index]
            version = 2 if rng.random() < 0.03 else 1
            patient = rng.randrange(DISTINCT_PATIENTS)
            day, hour, minute, second = rng.randint(1, 31), rng.randint(6, 21), rng.randrange(60), rng.randrange(60)
            offset = "+02:00" if day >= 30 else "+01:00"  # daytime only: the 02:00 gap of 30 March is avoided
            produced_at = f"2025-03-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}{offset}"
            ins_qualified = rng.random() < 0.8
            datamatrix = ins_qualified and fmt.startswith("CDA") and rng.random() < 0.9
            if rng.random() < 0.7:
                dmp_status = "ACCEPTED"
                sent = hour * 60 + minute + rng.randint(1, 120)  # at most 23:59 the same day
                dmp_sent_at = f"2025-03-{day:02d}T{sent // 60:02d}:{sent % 60:02d}:{second:02d}{offset}"
            else:
                dmp_status, dmp_sent_at = "NOT_SENT", ""
            discipline = rng.choice(DISCIPLINES) if type_code == LAB else ""
            modality = rng.choice(MODALITIES) if type_code == IMAGING else ""
            batch.append(
                f"DOC{index:08d},{version},IPP{patient:07d},,{type_code},{produced_at},{fmt},"
                f"{_bool(ins_qualified)},{_bool(datamatrix)},{dmp_status},{dmp_sent_at},"
                f"{_bool(rng.random() < 0.03)},{_bool(rng.random() < 0.02)},{discipline},{modality},"
                f"{UNITS[patient % len(UNITS)]}\n"
            )
            if len(batch) >= 10_000:
                out.writelines(batch)
                batch.clear()
        out.writelines(batch)


def _bool(value: bool) -> str:
    return "true" if value else "false"


# --- the database -----------------------------------------------------------------------------


async def prepare_database(url: str) -> str:
    """Migrate, record the test referential, and return the secret of a new admin key."""
    engine = create_engine(url, pool_size=1)
    try:
        await upgrade(engine)
        async with engine.begin() as connection:
            referential = PgReferentialStore(connection)
            for ght in GHTS:
                await referential.put_ght(ght)
            for entity in ENTITIES:
                await referential.put_legal_entity(entity)
            for site in SITES:
                await referential.put_site(site)
            issued = await PgApiKeyStore(connection).issue("benchmark", Principal("", Role.ADMIN))
        return issued.secret
    finally:
        await engine.dispose()


async def checkpoint(url: str) -> None:
    """Flush PostgreSQL's dirty pages so that each timed load starts from the same state."""
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("CHECKPOINT")
    finally:
        await connection.close()


async def time_raw_copy(url: str, csv_path: Path, runs: int) -> list[float]:
    """Seconds of each `COPY` of the file into the unindexed table (emptied before each run)."""
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("DROP TABLE IF EXISTS bench_raw_documents")
        await connection.execute(RAW_TABLE_DDL)
        durations = []
        for _ in range(runs):
            await connection.execute("TRUNCATE bench_raw_documents")
            await connection.execute("CHECKPOINT")  # each run starts from the same WAL state
            started = time.perf_counter()
            await connection.copy_to_table(
                "bench_raw_documents", source=csv_path, columns=list(COLUMNS), format="csv", header=True
            )
            durations.append(time.perf_counter() - started)
        return durations
    finally:
        await connection.close()


# --- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(url: str, data_dir: Path, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "HOPEN2_DATA_DIR": str(data_dir),
        "HOPEN2_HOST": "127.0.0.1",
        "HOPEN2_PORT": str(port),
        "HOPEN2_PSEUDONYMISATION_SECRET": "x" * 40,
        "HOPEN2_ENVIRONMENT": "production",
        "HOPEN2_LOG_LEVEL": "WARNING",
        # the benchmarks measure throughput, not the per-key limits
        "HOPEN2_RATE_LIMIT_UPLOADS_PER_MINUTE": "1000000",
        "HOPEN2_RATE_LIMIT_READS_PER_MINUTE": "1000000",
    }
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [str(REPO / ".venv/bin/hopen2"), "serve"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
        )


def wait_until_up(base_url: str, server: subprocess.Popen[bytes], log_path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited ({server.returncode}):\n{log_path.read_text()}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer /health within {timeout:.0f} s:\n{log_path.read_text()}")


@contextlib.contextmanager
def serving(url: str, work: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`hopen2 serve` on a free port with its log in `work/server.log`: its base URL and process."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = work / "server.log"
    server = start_server(url, work / "srv", port, log_path)
    try:
        wait_until_up(base_url, server, log_path)
        yield base_url, server
    finally:
        stop_server(server)


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class RssSampler:
    """Samples the resident memory of a process and its children in a background thread."""

    def __init__(self, pid: int, interval: float = SAMPLE_SECONDS) -> None:
        self._process = psutil.Process(pid)
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.peak = 0
        self.samples = 0

    def rss(self) -> int:
        processes = [self._process, *self._process.children(recursive=True)]
        total = 0
        for process in processes:
            with contextlib.suppress(psutil.NoSuchProcess):
                total += process.memory_info().rss
        return total

    def cpu_seconds(self) -> float:
        times = self._process.cpu_times()
        return float(times.user + times.system)

    def __enter__(self) -> RssSampler:
        self.peak = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.rss())
                self.samples += 1
            except psutil.NoSuchProcess:
                return
            self._stop.wait(self._interval)


# --- the upload -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UploadResult:
    seconds: float
    status: int
    answer: str
    row_count: int | None
    rss_before: int
    rss_peak: int
    server_cpu_seconds: float
    database_cpu_seconds: float


def database_cpu_seconds(pgdata: Path) -> float:
    """CPU time of the PostgreSQL server and its backends (the service's pooled connections persist)."""
    postmaster = psutil.Process(int((pgdata / "postmaster.pid").read_text().split()[0]))
    total = 0.0
    for process in [postmaster, *postmaster.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


def upload(base_url: str, api_key: str, csv_path: Path, server_pid: int, pgdata: Path) -> UploadResult:
    url = f"{base_url}/api/v1/legal-entities/{ENTITY_A}/periods/{PERIOD}/submissions/documents"
    headers = {"authorization": f"Bearer {api_key}", "content-type": "text/csv"}
    with httpx.Client(timeout=httpx.Timeout(3600.0)) as client:
        sampler = RssSampler(server_pid)
        rss_before = sampler.rss()
        cpu_before = sampler.cpu_seconds()
        database_cpu_before = database_cpu_seconds(pgdata)
        with sampler:
            started = time.perf_counter()
            answer = client.post(url, content=file_chunks(csv_path), headers=headers)
            seconds = time.perf_counter() - started
        cpu = sampler.cpu_seconds() - cpu_before
        database_cpu = database_cpu_seconds(pgdata) - database_cpu_before
    row_count = None
    if answer.headers.get("content-type", "").startswith("application/json"):
        body = answer.json()
        row_count = body.get("row_count") if isinstance(body, dict) else None
    return UploadResult(
        seconds, answer.status_code, answer.text, row_count, rss_before, sampler.peak, cpu, database_cpu
    )


# --- the report -------------------------------------------------------------------------------


def report(rows: int, file_bytes: int, result: UploadResult, copy_runs: list[float]) -> bool:
    copy_seconds = statistics.median(copy_runs)
    upload_rate = rows / result.seconds
    copy_rate = rows / copy_seconds
    ratio = upload_rate / copy_rate
    peak_mb, before_mb = result.rss_peak / MB, result.rss_before / MB
    ratio_ok, rss_ok = ratio >= TARGET_RATIO, peak_mb < TARGET_RSS_MB

    def verdict(ok: bool) -> str:
        return "OK" if ok else "MISSED"

    copy_label = f"raw COPY (median of {len(copy_runs)})"
    lines = [
        f"{'rows':<28}{rows:>10,}",
        f"{'file size':<28}{file_bytes / MB:>10.1f} MB",
        f"{'upload (end to end)':<28}{result.seconds:>10.2f} s   {upload_rate:>10,.0f} rows/s",
        f"{copy_label:<28}{copy_seconds:>10.2f} s   {copy_rate:>10,.0f} rows/s"
        f"   (runs: {', '.join(f'{s:.2f}' for s in copy_runs)} s)",
        f"{'ratio upload / COPY':<28}{ratio:>10.2f}     target >= {TARGET_RATIO:.2f}         {verdict(ratio_ok)}",
        f"{'server RSS before upload':<28}{before_mb:>10.1f} MB",
        f"{'server RSS peak':<28}{peak_mb:>10.1f} MB  target < {TARGET_RSS_MB:.0f} MB        {verdict(rss_ok)}",
        f"{'server CPU during upload':<28}{result.server_cpu_seconds:>10.2f} s   "
        f"(machine: {os.cpu_count()} logical CPUs)",
        f"{'database CPU during upload':<28}{result.database_cpu_seconds:>10.2f} s",
    ]
    print("\n".join(["", "documents upload benchmark", "-" * 26, *lines, ""]))
    return ratio_ok and rss_ok


# --- main -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the generated file")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (for inspection)")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    if not options.keep:
        # Registered before PostgreSQL starts: exit handlers run last-in first-out, so the embedded
        # server (stopped at exit) is down before its folder is removed.
        atexit.register(shutil.rmtree, work, ignore_errors=True)
    print(f"working folder: {work}")

    url = start_embedded_postgres(work, "bench")
    api_key = asyncio.run(prepare_database(url))

    csv_path = work / "documents.csv"
    started = time.perf_counter()
    write_documents_csv(csv_path, options.rows, options.seed)
    file_bytes = csv_path.stat().st_size
    print(f"generated {options.rows:,} rows ({file_bytes / MB:.1f} MB) in {time.perf_counter() - started:.1f} s")

    with serving(url, work) as (base_url, server):
        asyncio.run(checkpoint(url))
        print(f"server up (pid {server.pid}), uploading…", flush=True)
        result = upload(base_url, api_key, csv_path, server.pid, work / "postgres")

    if result.status != 201 or result.row_count != options.rows:
        print(f"UPLOAD FAILED: status {result.status}, row_count {result.row_count} (expected {options.rows})")
        print(result.answer[:5000])
        print(f"server log:\n{(work / 'server.log').read_text()[-5000:]}")
        return 2

    print(f"upload answered 201 with row_count {result.row_count:,}: {result.answer[:400]}")
    print(f"timing raw COPY ×{COPY_RUNS}…", flush=True)
    copy_runs = asyncio.run(time_raw_copy(url, csv_path, COPY_RUNS))
    return 0 if report(options.rows, file_bytes, result, copy_runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
