"""Cargo targeting throughput: shipments scored per second, screening and classification included.

Builds a throw-away database with real watch lists (OFAC SDN and the UN Security Council list
by default), the real goods classifier and demo traffic, then times:

- read:      parsing and validating the manifest file (CSV);
- baseline:  indicators with the per-name / per-description caches switched off (each party
             screened, each goods line classified), on a small sample;
- local x1:  the local engine in one process (caches on);
- local x2:  the local engine with its look-ups (distinct names, descriptions) in two forked
             processes, then scoring;
- warm:      indicators and score once every look-up is cached (the steady state of a long run,
             where names and descriptions repeat);
- end to end (--spark): read, validate, screen, classify, score, rank and write the same file
             with the local engine (2 processes), Spark local[2] and (--cluster) a standalone
             master and worker on 127.0.0.1;
- CPU: for each end-to-end row, the CPU seconds of the bench's process tree during it (its
             forked workers, the JVM, Spark's Python daemon and workers): the work each engine
             did, far less sensitive than wall time to the other jobs on a shared machine;
- --driver-memory: one Spark run in a fresh process; the driver's peak RSS (Python and its JVM).
             In local[2] the driver's JVM runs the tasks too; with --cluster the job runs on a
             standalone master and worker on 127.0.0.1, and the driver (its Python, its SparkSubmit
             JVM) is reported apart from the executor's JVM and Python workers (by process tree and
             main class, sampled from /proc every 0.5 s). TRIPLINE_BENCH_HEAP=1: also the driver
             JVM's heap after the job and after a full collection (jcmd GC.heap_info,
             GC.class_histogram; TRIPLINE_BENCH_HISTOGRAM=FILE keeps the histogram);
             TRIPLINE_BENCH_NMT=FILE with JAVA_TOOL_OPTIONS=-XX:NativeMemoryTracking=summary: the
             driver JVM's native memory by area after the job.

    .venv/bin/python bench/target.py --quick
    .venv/bin/python bench/target.py --shipments 100000 --spark --cluster
    .venv/bin/python bench/target.py --shipments 100000 --spark --cluster --end-to-end-only
    .venv/bin/python bench/target.py --shipments 100000 --driver-memory
    .venv/bin/python bench/target.py --manifest demo-100k.csv --tile 10 --driver-memory   # 1 M rows
    .venv/bin/python bench/target.py --manifest demo-100k.csv --tile 10 --driver-memory --cluster
    tripline demo manifest --out demo-100k.csv --shipments 100000   # the 100k manifest, seed 1
    .venv/bin/python bench/target.py --manifest demo-100k.csv --tile 10 --local-only
    .venv/bin/python bench/target.py --manifest demo-100k.csv --tile 10 --spark --cluster --end-to-end-only
    .venv/bin/python bench/target.py --manifest demo-20000.csv --tile 50 --local-only --keep 50

--manifest FILE --tile N: FILE's rows N times over (copy k's bills of lading end in -k), so a
1 M-row file needs no 1 M-shipment generation.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tripline.cargo.demo import generate
from tripline.cargo.engine import Engine, target_file, target_shipments
from tripline.cargo.indicators import IndicatorExtractor, first_shipments
from tripline.cargo.policy import load_policy
from tripline.cargo.ports import MatcherFactory
from tripline.cargo.readers import read_manifest, write_manifest
from tripline.cargo.reference import load_reference
from tripline.cargo.scoring import RuleScorer
from tripline.cargo.services import FindingsByContainer
from tripline.lists.service import load_bundled
from tripline.runtime import Runtime
from tripline.settings import Settings
from tripline.store.db import Database


class _Prebuilt:
    """A picklable matcher factory returning matchers built once (Spark broadcasts them)."""

    def __init__(self, built: tuple[object, object]) -> None:
        self.built = built

    def __call__(self, _settings: Settings) -> tuple[object, object]:
        return self.built


class _Uncached(IndicatorExtractor):
    def extract(self, s, *, first_shipment=False):  # type: ignore[no-untyped-def]
        self._party_cache.clear()
        self._goods_cache.clear()
        self.hs._cache.clear()
        return super().extract(s, first_shipment=first_shipment)


def peak_rss_mib(pid: int) -> float:
    """VmHWM (peak resident set) of a process, MiB."""
    return (_status_kib(pid, "VmHWM") or [0])[0] / 1024


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _proc_stats() -> dict[int, list[str]]:
    """Every process's ``/proc/PID/stat`` fields after its command name (index 1: parent pid, 11/12: user and
    system ticks, 19: start time)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                out[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
    return out


def _parents(stats: dict[int, list[str]] | None = None) -> dict[int, int]:
    """Every process's parent pid (from `stats`, else read from ``/proc``)."""
    return {pid: int(fields[1]) for pid, fields in (stats if stats is not None else _proc_stats()).items()}


def _under(pid: int, root: int, parents: dict[int, int]) -> bool:
    """Whether `pid` is `root` or a process below it."""
    hops = 0
    while pid not in (root, 0, 1) and hops < 64:
        pid, hops = parents.get(pid, 0), hops + 1
    return pid == root


DRIVER_JVM = b"org.apache.spark.deploy.SparkSubmit"  # the JVM PySpark's launcher starts for a driver
EXECUTOR_JVM = b"org.apache.spark.executor.CoarseGrainedExecutorBackend"  # a standalone worker's executor
WORKER_JVM = b"org.apache.spark.deploy.worker.Worker"
MASTER_JVM = b"org.apache.spark.deploy.master.Master"
LAUNCHER = b"org.apache.spark.launcher.Main"  # spark-class's short-lived JVM that builds the command


def _is_java(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == "java"
    except OSError:
        return False


def _is_jvm(pid: int, cmd: bytes) -> bool:
    """A JVM itself: not spark-class's shell nor its launcher (whose arguments name the main class too)."""
    return _is_java(pid) and LAUNCHER not in cmd


def jvm_children() -> list[int]:
    """The JVM the PySpark driver started: processes below this one running SparkSubmit (on a standalone
    cluster the master's, the worker's and the executors' JVMs are another tree's and other classes)."""
    me, parents = os.getpid(), _parents()
    return [
        pid
        for pid in parents
        if pid != me and _under(pid, me, parents) and DRIVER_JVM in (cmd := _cmdline(pid)) and _is_jvm(pid, cmd)
    ]


def _status_kib(pid: int, *fields: str) -> list[int]:
    """`fields` of ``/proc/PID/status`` (VmHWM, VmRSS), KiB; [] once the process is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return []
    found = {line.split(":")[0]: int(line.split()[1]) for line in lines if line.split(":")[0] in fields}
    return [found.get(f, 0) for f in fields]


class TreeRSS:
    """Peak RSS of the processes of a Spark job, by role, sampled from ``/proc`` every `every` s by a
    thread, below this process: the driver (`driver`, the --driver-memory child: its Python, and the
    SparkSubmit JVM below it), a standalone cluster's master, worker and executor JVMs (by their main
    class) and the Python daemons and workers below a JVM (a local[N] driver's or an executor's).
    Each process's VmHWM at its last sample (the kernel's own peak: a process that lives on between
    samples is not missed, one that lives less than `every` seconds is), and for the Python workers
    also their summed VmRSS at the sample where it was highest (forked from one daemon, they share
    pages: the sum over-counts)."""

    ROLES = ("driver python", "driver JVM", "master JVM", "worker JVM", "executor JVM", "python workers")

    def __init__(self, driver: int, every: float = 0.5) -> None:
        import threading

        self.driver, self.every = driver, every
        self.peaks: dict[tuple[int, str], tuple[str, int]] = {}  # (pid, start) -> (role, VmHWM KiB)
        self.workers_sum = 0  # KiB, the Python workers' summed VmRSS at its highest sample
        self.roles: dict[tuple[int, str], str] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _role(self, pid: int, parents: dict[int, int]) -> str | None:
        if pid == self.driver:
            return "driver python"
        cmd = _cmdline(pid)
        if _is_jvm(pid, cmd):
            if DRIVER_JVM in cmd and _under(pid, self.driver, parents):
                return "driver JVM"
            if EXECUTOR_JVM in cmd and not _under(pid, self.driver, parents):
                return "executor JVM"
            for cls, role in ((WORKER_JVM, "worker JVM"), (MASTER_JVM, "master JVM")):
                if cls in cmd:
                    return role
            return None
        if b"python" in cmd.split(b"\0", 1)[0]:  # a Python below a JVM: PySpark's daemon or a worker
            up, hops = parents.get(pid, 0), 0
            while up not in (0, 1) and hops < 64:
                if DRIVER_JVM in _cmdline(up) or EXECUTOR_JVM in _cmdline(up):
                    return "python workers"
                up, hops = parents.get(up, 0), hops + 1
        return None

    def _sample(self) -> None:
        stats, me = _proc_stats(), os.getpid()
        parents = _parents(stats)
        workers = 0
        for pid, fields in stats.items():
            if pid == me or not _under(pid, me, parents):
                continue
            key = (pid, fields[19])
            if key not in self.roles:
                role = self._role(pid, parents)
                if role is None:
                    continue
                self.roles[key] = role
            figures = _status_kib(pid, "VmHWM", "VmRSS")
            if not figures:
                continue
            role = self.roles[key]
            self.peaks[key] = (role, max(figures[0], self.peaks.get(key, (role, 0))[1]))
            if role == "python workers":
                workers += figures[1]
        self.workers_sum = max(self.workers_sum, workers)

    def _run(self) -> None:
        while not self.done.wait(self.every):
            self._sample()

    def stop(self) -> dict[str, tuple[int, float]]:
        """By role: how many processes were seen and the largest one's peak RSS, MiB."""
        self.done.set()
        self.thread.join()
        out: dict[str, tuple[int, float]] = {}
        for role in self.ROLES:
            peaks = [kib for r, kib in self.peaks.values() if r == role]
            if peaks:
                out[role] = (len(peaks), max(peaks) / 1024)
        return out


class TreeCPU:
    """CPU seconds (user + system) of this process and every process under it while it runs,
    sampled from ``/proc`` every `every` seconds by a thread: each process's own time at its last
    sample. A parent's ``cutime`` is not used: PySpark's daemon ignores SIGCHLD, so its forked
    Python workers are reaped by the kernel and their time reaches no parent (the first version
    of this bench summed ``cutime`` and missed the whole Python pass). A process that lives less
    than `every` seconds, or its last `every` seconds, is missed."""

    def __init__(self, every: float = 0.25) -> None:
        import threading

        self.every = every
        self.seen: dict[tuple[int, str], list[Any]] = {}  # (pid, start time) -> [kind, first, last]
        self.done = threading.Event()
        self._sample(initial=True)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _sample(self, initial: bool = False) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        stats, me = _proc_stats(), os.getpid()
        parents = _parents(stats)
        for pid, fields in stats.items():
            if not _under(pid, me, parents):
                continue
            own = (int(fields[11]) + int(fields[12])) / tick
            key = (pid, fields[19])  # with its start time: a reused pid is another process
            if key in self.seen:
                self.seen[key][2] = own
            else:  # present at the start: counted from there; started since: counted whole
                kind = "driver" if pid == me else "jvm" if _is_java(pid) else "other"
                self.seen[key] = [kind, own if initial else 0.0, own]

    def _run(self) -> None:
        while not self.done.wait(self.every):
            self._sample()

    def stop(self) -> dict[str, float]:
        """CPU seconds since the start, by kind: this process, JVMs, other processes (workers, daemons)."""
        self.done.set()
        self.thread.join()
        self._sample()
        out = {"driver": 0.0, "jvm": 0.0, "other": 0.0}
        for kind, first, last in self.seen.values():
            out[kind] += last - first
        return out


CPU: dict[str, float] = {}  # CPU seconds of each end-to-end row, by its label
LOAD: dict[str, float] = {}  # the 1-minute load average at the end of each end-to-end row
SPLIT: dict[str, dict[str, float]] = {}  # of those: this Python process's, the JVMs', the other processes'


def end_to_end(
    path: Path, settings: Settings, db: Database, policy: object, *, cluster: bool
) -> list[tuple[str, int, float]]:
    """Read, validate, screen, classify, score, rank and write, on each engine, same file."""
    from tripline.spark.session import spark_session

    runtime = Runtime(settings, db)
    runtime.matchers()  # built once, as a server or CLI process would have it
    common = {
        "settings": settings,
        "policy": policy,
        "radiation": FindingsByContainer({}),
        "matchers": runtime.matchers,
    }
    out: list[tuple[str, int, float]] = []
    t, cpu = time.perf_counter(), TreeCPU()
    run = target_file(path, workers=2, **common)  # type: ignore[arg-type]
    out.append(("end to end: local engine, 2 processes", run.shipments, time.perf_counter() - t))
    SPLIT[out[-1][0]] = split = cpu.stop()
    CPU[out[-1][0]] = sum(split.values())
    LOAD[out[-1][0]] = os.getloadavg()[0]
    spark_session("local[2]", "warm-up").stop()  # JVM start-up is not part of the throughput
    masters = [("local[2]", "local[2]")]
    stack = contextlib.ExitStack()
    if cluster:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from tests.spark_cluster import bench_cluster

        url = stack.enter_context(bench_cluster(Path(tempfile.mkdtemp(prefix="tripline-bench-cluster-"))))
        masters.append(("standalone 127.0.0.1 (1 worker, 2 cores)", url))
    with stack:
        for label, master in masters:
            t, cpu = time.perf_counter(), TreeCPU()
            run = target_file(
                path,
                engine=Engine.SPARK,
                master=master,
                out=str(path.with_name(f"queue-{len(out)}.parquet")),
                **common,  # type: ignore[arg-type]
            )
            out.append((f"end to end: spark {label}", run.shipments, time.perf_counter() - t))
            SPLIT[out[-1][0]] = split = cpu.stop()  # the JVM lives on after the job: its threads counted
            CPU[out[-1][0]] = sum(split.values())
            LOAD[out[-1][0]] = os.getloadavg()[0]
    return out


def tile(source: Path, out: Path, times: int) -> int:
    """`source`'s rows `times` over (copy k's bills of lading get the suffix -k); the rows written."""
    rows = 0
    with source.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        header = src.readline()
        dst.write(header)
        body = src.readlines()
        for k in range(times):
            for line in body:
                if not line.strip():
                    continue
                bl, sep, rest = line.partition(",")
                dst.write(f"{bl}-{k}{sep}{rest}" if k else line)
                rows += 1
    return rows


def local_end_to_end(path: Path, settings: Settings, db: Database, policy: object, n: int, keep: int | None) -> None:
    """The local engine (2 processes) end to end on `path`: read, validate, screen, classify, score, rank
    (`keep`: only the head of the queue held, as `tripline target --top K` does)."""
    runtime = Runtime(settings, db)
    runtime.matchers()
    before = peak_rss_mib(os.getpid())
    t = time.perf_counter()
    matchers = runtime.matchers
    common = {"settings": settings, "policy": policy, "radiation": FindingsByContainer({}), "matchers": matchers}
    run = target_file(path, workers=2, keep=keep, **common)  # type: ignore[arg-type]
    seconds = time.perf_counter() - t
    print(
        f"local engine end to end (queue kept: {keep or 'whole'}): {run.shipments:,} of {n:,} rows in {seconds:.1f} s "
        f"({run.shipments / seconds:,.0f}/s, load average {os.getloadavg()[0]:.1f}); python peak RSS "
        f"{before:,.0f} MiB before, {peak_rss_mib(os.getpid()):,.0f} MiB by its end"
    )


def driver_memory(path: Path, settings: Settings, db: Database, policy: object, *, cluster: bool = False) -> None:
    """One Spark run in a fresh process (this bench's own memory, the generated demo, is not the
    job's): its Python peak RSS before and during the job, and its JVM's peak. `cluster`: the job runs
    against a standalone master and worker on 127.0.0.1 started here (not in the job's process), so
    the driver JVM only plans and tracks the job while the executor (the worker's child) runs the
    tasks; the executor's JVM and Python workers are reported as rows of their own."""
    import json
    import subprocess

    db.dispose()
    stack = contextlib.ExitStack()
    master = "local[2]"
    if cluster:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from tests.spark_cluster import bench_cluster

        master = stack.enter_context(bench_cluster(Path(tempfile.mkdtemp(prefix="tripline-bench-cluster-"))))
    args = [sys.executable, __file__, "--job", str(path), "--var-dir", str(settings.var_dir), "--master", master]
    with stack:
        child = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        tree = TreeRSS(child.pid)
        stdout, stderr = child.communicate()
        roles = tree.stop()
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, args, stdout, stderr)
    figures = json.loads(stdout.strip().splitlines()[-1])
    print(
        f"driver memory ({master}): {figures['shipments']:,} shipments in {figures['seconds']:.0f} s "
        f"({figures['shipments'] / figures['seconds']:,.0f}/s, load average {os.getloadavg()[0]:.1f}); "
        f"python driver peak RSS {figures['python_before']:,.0f} MiB before the job (runtime built), "
        f"{figures['python_peak']:,.0f} MiB by its end; driver JVM peak RSS {figures['jvm_peak']:,.0f} MiB"
        + (f"\n  driver JVM heap after the job: {figures['jvm_heap']}" if figures.get("jvm_heap") else "")
        + (f"; after a full collection: {figures['jvm_live']}" if figures.get("jvm_live") else "")
    )
    print(f"  {'process (sampled every 0.5 s)':32} {'processes':>9} {'largest peak RSS':>17}")
    for role, (count, mib) in roles.items():
        print(f"  {role:32} {count:>9} {mib:>13,.0f} MiB")
    if "python workers" in roles:
        print(
            f"  {'python workers, summed RSS':32} {'':>9} {tree.workers_sum / 1024:>13,.0f} MiB (at its highest sample)"
        )


def _jcmd(pid: int, command: str) -> str:
    """``jcmd PID COMMAND``'s output, '' without jcmd or on failure."""
    import shutil
    import subprocess

    jcmd = shutil.which("jcmd")
    if not jcmd:
        return ""
    try:
        return subprocess.run([jcmd, str(pid), command], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def _heap_used(pid: int) -> str:
    """The JVM's heap in use and committed, by generation (``jcmd GC.heap_info``), MiB."""
    import re

    text = _jcmd(pid, "GC.heap_info")
    parts = [
        f"{name} {int(used) // 1024}/{int(total) // 1024}"
        for name, total, used in re.findall(r"(\w+)\s+total (\d+)K, used (\d+)K", text)
    ]
    parts += [
        f"Metaspace {int(used) // 1024}/{int(total) // 1024}"
        for used, total in re.findall(r"Metaspace\s+used (\d+)K, committed (\d+)K", text)
    ]
    return ", ".join(parts) + " MiB used/committed" if parts else ""


def job(path: Path, var_dir: Path, master: str) -> None:
    """The child of --driver-memory: the Spark job alone, figures as one JSON line."""
    import json

    settings = Settings(var_dir=var_dir, log_level="WARNING")
    db = Database.from_settings(settings)
    runtime = Runtime(settings, db)
    runtime.matchers()
    before = peak_rss_mib(os.getpid())
    t = time.perf_counter()
    run = target_file(
        path,
        engine=Engine.SPARK,
        master=master,
        out=str(path.with_name("queue.parquet")),
        settings=settings,
        policy=load_policy(),
        radiation=FindingsByContainer({}),
        matchers=runtime.matchers,
    )
    seconds = time.perf_counter() - t
    jvms = jvm_children()
    jvm = sum(peak_rss_mib(pid) for pid in jvms)
    figures: dict[str, Any] = {"shipments": run.shipments, "seconds": seconds, "python_before": before}
    figures |= {"python_peak": peak_rss_mib(os.getpid()), "jvm_peak": jvm, "jvm_pids": jvms}
    if os.environ.get("TRIPLINE_BENCH_HEAP") and len(jvms) == 1:
        figures["jvm_heap"] = _heap_used(jvms[0])
        # the live objects (the class histogram collects the heap first), and the heap after that collection
        histogram = _jcmd(jvms[0], "GC.class_histogram")
        if os.environ.get("TRIPLINE_BENCH_HISTOGRAM"):
            Path(os.environ["TRIPLINE_BENCH_HISTOGRAM"]).write_text(histogram)
        figures["jvm_live"] = _heap_used(jvms[0])
    if (
        os.environ.get("TRIPLINE_BENCH_NMT") and len(jvms) == 1
    ):  # with JAVA_TOOL_OPTIONS=-XX:NativeMemoryTracking=summary
        Path(os.environ["TRIPLINE_BENCH_NMT"]).write_text(_jcmd(jvms[0], "VM.native_memory summary"))
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shipments", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="3,000 shipments, no Spark")
    parser.add_argument("--spark", action="store_true", help="also time the engines end to end on the file")
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="with --spark: also a standalone cluster on 127.0.0.1; with --driver-memory: that cluster only",
    )
    parser.add_argument("--end-to-end-only", action="store_true", help="with --spark: only the end-to-end rows")
    parser.add_argument(
        "--driver-memory",
        action="store_true",
        help="one Spark local[2] run (with --cluster: on a standalone cluster); the driver's peak RSS",
    )
    parser.add_argument("--lists", default="us_ofac_sdn,un_sc", help="bundled list ids to screen against")
    parser.add_argument("--manifest", type=Path, help="an existing CSV manifest instead of a generated demo")
    parser.add_argument("--tile", type=int, default=1, help="with --manifest: its rows N times, fresh B/L numbers")
    parser.add_argument("--local-only", action="store_true", help="only the local engine end to end (2 processes)")
    parser.add_argument("--keep", type=int, help="with --local-only: hold only the first K of the queue (streaming)")
    parser.add_argument("--baseline-sample", type=int, default=200)
    parser.add_argument("--job", type=Path, help=argparse.SUPPRESS)  # the --driver-memory child
    parser.add_argument("--var-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--master", default="local[2]", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job:
        job(args.job, args.var_dir, args.master)
        return
    n = 3_000 if args.quick else args.shipments
    tmp = Path(tempfile.mkdtemp(prefix="tripline-bench-target-"))
    settings = Settings(var_dir=tmp / "var", log_level="WARNING")
    db = Database.from_settings(settings)
    db.upgrade()
    t = time.perf_counter()
    load_bundled(db, settings, only=[x for x in args.lists.split(",") if x])
    print(f"lists loaded ({args.lists}) in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    built = Runtime(settings, db).matchers()
    print(f"screener and classifier built in {time.perf_counter() - t:.1f} s")
    ref = load_reference(settings.data_dir)
    policy = load_policy()
    radiation = FindingsByContainer({})

    t = time.perf_counter()
    if args.manifest:
        path = tmp / "demo.csv"
        n = tile(args.manifest, path, args.tile)
        gen_s = time.perf_counter() - t
        if args.driver_memory:
            driver_memory(path, settings, db, policy, cluster=args.cluster)
        elif args.local_only:
            local_end_to_end(path, settings, db, policy, n, args.keep)
        elif args.spark and args.end_to_end_only:
            report(end_to_end(path, settings, db, policy, cluster=args.cluster), n, gen_s, args.lists)
        return
    traffic = generate(n, 1, ref)
    path = tmp / "demo.csv"
    write_manifest(path, traffic.shipments)
    gen_s = time.perf_counter() - t
    t = time.perf_counter()
    shipments = read_manifest(path, ref).shipments
    read_s = time.perf_counter() - t

    if args.driver_memory:
        del shipments, traffic
        driver_memory(path, settings, db, policy, cluster=args.cluster)
        return
    rows: list[tuple[str, int, float]] = [("read + validate (CSV)", n, read_s)]
    if args.end_to_end_only:
        del shipments, traffic
        rows.extend(end_to_end(path, settings, db, policy, cluster=args.cluster))
        report(rows, n, gen_s, args.lists)
        return
    sample = shipments[: args.baseline_sample]
    screener, classifier = built
    uncached = _Uncached(policy, ref, screener=screener, classifier=classifier, radiation=radiation)
    first = first_shipments(sample)
    scorer = RuleScorer(policy)
    t = time.perf_counter()
    for s in sample:
        scorer.score(uncached.extract(s, first_shipment=s.bill_of_lading in first))
    rows.append(("baseline: indicators, no caches", len(sample), time.perf_counter() - t))

    factory: MatcherFactory = _Prebuilt(built)  # type: ignore[assignment]
    common = {"settings": settings, "policy": policy, "radiation": radiation, "ref": ref, "matchers": factory}
    for label, workers in (("local engine, 1 process", 1), ("local engine, 2 processes", 2)):
        t = time.perf_counter()
        target_shipments(shipments, workers=workers, **common)  # type: ignore[arg-type]
        rows.append((label, n, time.perf_counter() - t))
    warm = IndicatorExtractor(policy, ref, screener=screener, classifier=classifier, radiation=radiation)
    first_all = first_shipments(shipments)
    for s in shipments:
        warm.extract(s, first_shipment=s.bill_of_lading in first_all)
    t = time.perf_counter()
    for s in shipments:
        scorer.score(warm.extract(s, first_shipment=s.bill_of_lading in first_all))
    rows.append(("indicators + score, caches warm", n, time.perf_counter() - t))
    if args.spark and not args.quick:
        rows.extend(end_to_end(path, settings, db, policy, cluster=args.cluster))
    report(rows, n, gen_s, args.lists)
    db.dispose()


def report(rows: list[tuple[str, int, float]], n: int, gen_s: float, lists: str) -> None:
    print(
        f"\ndemo traffic: {n} shipments generated and written in {gen_s:.1f} s; lists: {lists}; "
        f"load average {os.getloadavg()[0]:.1f}\n"
    )
    print(f"{'step':48} {'shipments':>10} {'seconds':>9} {'per second':>11} {'1M shipments':>13}")
    for label, count, seconds in rows:
        rate = count / seconds if seconds > 0 else float("inf")
        cpu = f"  CPU {CPU[label]:,.1f} s ({count / CPU[label]:,.0f}/CPU s)" if label in CPU else ""
        if label in SPLIT:
            split = SPLIT[label]
            cpu += f" [this process {split['driver']:,.1f} s, JVMs {split['jvm']:,.1f} s, others {split['other']:,.1f}]"
        cpu += f"  load {LOAD[label]:.1f}" if label in LOAD else ""
        print(f"{label:48} {count:>10,} {seconds:>9.1f} {rate:>11,.0f} {1e6 / rate / 60:>10.1f} min{cpu}")


if __name__ == "__main__":
    main()
