"""`GET /healthz` polled from a process of its own, for tests and benchmarks of a busy server.

The poller must not share a GIL with the clients that keep the server busy: parsing a large
answer or sending a large upload in the same process would hold it, and the delay would be
measured as the server's. So a child process polls and prints each latency; a thread here reads
them as they come.
"""

import subprocess
import sys
import threading

_POLL = """
import sys, time, urllib.request
url, interval = sys.argv[1] + "/healthz", float(sys.argv[2])
while True:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        status = response.status
    print(status, time.perf_counter() - started, flush=True)
    time.sleep(interval)
"""


class HealthPoller:
    """`with HealthPoller(url) as poller:` … `poller.since(mark)`: the latencies (s) after a mark."""

    def __init__(self, url: str, interval: float = 0.02) -> None:
        self.url, self.interval = url, interval
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self._lock = threading.Lock()

    def __enter__(self) -> "HealthPoller":
        self._process = subprocess.Popen(
            [sys.executable, "-c", _POLL, self.url, str(self.interval)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return self

    def _read(self) -> None:
        for line in self._process.stdout:
            status, seconds = line.split()
            with self._lock:
                if status != "200":
                    self.failures.append(status)
                self.latencies.append(float(seconds))

    def mark(self) -> int:
        with self._lock:
            return len(self.latencies)

    def since(self, mark: int) -> list[float]:
        with self._lock:
            return self.latencies[mark:]

    def __exit__(self, *_exc) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)
        self._reader.join(timeout=10)
