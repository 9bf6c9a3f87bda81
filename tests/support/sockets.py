"""Which processes hold the server side of a port's TCP connections (Linux /proc)."""

from collections import Counter
from pathlib import Path

ESTABLISHED, LISTEN = "01", "0A"


def _inodes_of_port(port: int, wanted: str = ESTABLISHED) -> set[str]:
    """Inodes of the sockets in state `wanted` whose local end is `port` (IPv4 and IPv6)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == wanted and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(inode)
    return inodes


def listeners(port: int) -> int:
    """How many sockets listen on `port`."""
    return len(_inodes_of_port(port, LISTEN))


def connection_holders(port: int, pids: list[int]) -> Counter:
    """For each of `pids`, how many of the port's established server-side connections it holds."""
    wanted = {f"socket:[{inode}]" for inode in _inodes_of_port(port)}
    held = Counter()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if str(fd.readlink()) in wanted:
                    held[pid] += 1
            except OSError:  # closed meanwhile
                continue
    return held


def children(parent: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rfind(")") + 2 :].split()[1]) == parent:
                pids.append(int(entry.name))
    return pids
