"""A Spark standalone cluster on 127.0.0.1 for the tests: one master, one worker (2 cores).

PyPI's pyspark has no ``start-master.sh``; its ``bin/spark-class`` runs the master and worker
classes directly. Everything binds to 127.0.0.1 (``SPARK_LOCAL_IP``, ``--host``, the web UI
ports chosen free on 127.0.0.1); the processes are stopped when the session ends.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

START_SECONDS = 120.0
HOST = "127.0.0.1"
MASTER = "org.apache.spark.deploy.master.Master"
WORKER = "org.apache.spark.deploy.worker.Worker"


def _wait_for(predicate: object, what: str, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.5)
    raise RuntimeError(f"Spark {what} did not start in {START_SECONDS:.0f} s; see {log}")


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def standalone_cluster(directory: Path, ports: list[int]) -> Iterator[str]:
    """Start a master and a worker; yield the master URL; stop both."""
    import pyspark

    spark_class = Path(pyspark.__file__).parent / "bin" / "spark-class"
    port, master_ui, worker_port, worker_ui = ports
    env = dict(
        os.environ,
        SPARK_LOCAL_IP="127.0.0.1",
        SPARK_LOG_DIR=str(directory),
        SPARK_WORKER_DIR=str(directory / "work"),
        SPARK_NO_DAEMONIZE="1",
    )
    master_log, worker_log = directory / "master.log", directory / "worker.log"
    url = f"spark://127.0.0.1:{port}"
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with open(master_log, "wb") as out:
            processes.append(
                subprocess.Popen(
                    [
                        str(spark_class),
                        "org.apache.spark.deploy.master.Master",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--webui-port",
                        str(master_ui),
                    ],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
        _wait_for(lambda: _listening(port), "master", master_log)
        with open(worker_log, "wb") as out:
            processes.append(
                subprocess.Popen(
                    [
                        str(spark_class),
                        "org.apache.spark.deploy.worker.Worker",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(worker_port),
                        "--webui-port",
                        str(worker_ui),
                        "--cores",
                        "2",
                        "--memory",
                        "2g",
                        "--work-dir",
                        str(directory / "work"),
                        url,
                    ],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
        _wait_for(lambda: b"Registering worker" in master_log.read_bytes(), "worker", worker_log)
        yield url
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def free_ports(count: int) -> list[int]:
    """``count`` TCP ports on 127.0.0.1 that are free right now."""
    ports = []
    for _ in range(count):
        with socket.socket() as sock:
            sock.bind((HOST, 0))
            ports.append(int(sock.getsockname()[1]))
    return ports


@contextlib.contextmanager
def bench_cluster(directory: Path) -> Iterator[str]:
    """For a bench run: a master and a worker on four free ports of 127.0.0.1, the driver bound to
    127.0.0.1 too (``SPARK_LOCAL_IP``); yields the master URL, stops both."""
    os.environ["SPARK_LOCAL_IP"] = HOST
    directory.mkdir(parents=True, exist_ok=True)
    yield from standalone_cluster(directory, free_ports(4))
