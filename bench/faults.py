"""Issue 12's fault set: `ingest fetch` against hostile answers, its peak memory and wall time.

    python bench/faults.py [--bomb-gib 2] [--timeout 5] [--max-bytes 10485760] [--jobs 2]

Starts servers on 127.0.0.1 (tests/httpserver.py; one per robots.txt behaviour, since a
robots.txt belongs to an origin) serving good pages and the faults: gzip bombs (one layer, and
`gzip, gzip`: a few KB on the wire for --bomb-gib GiB), a double-gzipped good page, a body
without length that never ends, an endless robots.txt, a robots.txt at a byte a second, one
that answers 500, bad redirects (javascript:, a port out of range, a broken IPv6 host, a loop,
a 30 MB redirect body) and malformed URLs. Runs the real `ingest fetch` command on them as a
subprocess, as a user would, and prints:

- the peak memory of the run: the largest VmHWM (a process's own peak resident set, from
  /proc) of the command and of each of its worker processes, sampled every 20 ms while they
  run; and, as a cross-check, ru_maxrss of this script's waited-for descendants. That one
  survives exec, so it can only be read as "at most this, or this script's own size when it
  forked the command" (this script stays small: it imports no ingest);
- the wall time of the whole run against the per-URL deadline, and of a run with one good
  page (what starting the command costs);
- every URL's outcome: good ones must be written, bad ones named on an `error:` line with
  their reason.

Target: peak under 600 MB, every good URL written and every bad one named, deadlines held.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import httpserver  # noqa: E402

_ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def vm_hwm_kib(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return next((int(ln.split()[1]) for ln in status.splitlines() if ln.startswith("VmHWM:")), None)


def children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(c) for c in found]


class Run(NamedTuple):
    wall: float
    status: int
    pid: int
    peaks: dict[int, int]  # VmHWM in KiB of the command (pid) and each of its descendants
    stderr: str


def run_fetch(args: list[str], cwd: Path) -> Run:
    """Run `ingest fetch` and watch its processes' memory."""
    command = [sys.executable, "-m", "ingest", "fetch", *args]
    peaks: dict[int, int] = {}
    started = time.perf_counter()
    with (
        tempfile.TemporaryFile() as err_file,
        subprocess.Popen(
            command, cwd=cwd, env=_ENV, stdout=subprocess.DEVNULL, stderr=err_file
        ) as proc,
    ):
        while proc.poll() is None:
            family = [proc.pid]
            while family:
                pid = family.pop()
                hwm = vm_hwm_kib(pid)
                if hwm is not None:
                    peaks[pid] = max(peaks.get(pid, 0), hwm)
                family.extend(children(pid))
            time.sleep(0.02)
        wall = time.perf_counter() - started
        err_file.seek(0)
        err = err_file.read().decode()
    return Run(wall, proc.returncode, proc.pid, peaks, err)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bomb-gib", type=float, default=2.0)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--max-bytes", type=int, default=10 * 1024 * 1024)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    httpserver.BOMB_SIZE = int(args.bomb_gib * 2**30)
    built = time.perf_counter()
    httpserver.double_gzip_bomb(httpserver.BOMB_SIZE)
    print(
        f"bombs built in {time.perf_counter() - built:.1f} s: "
        f"{len(httpserver.gzip_bomb(httpserver.BOMB_SIZE)):,} bytes (gzip) and "
        f"{len(httpserver.double_gzip_bomb(httpserver.BOMB_SIZE)):,} bytes (gzip, gzip) "
        f"for {httpserver.BOMB_SIZE:,} decoded"
    )
    cap = f"{args.max_bytes:,}"
    with ExitStack() as servers:
        main_site = servers.enter_context(httpserver.serve())
        endless = servers.enter_context(httpserver.serve("endless"))
        drip = servers.enter_context(httpserver.serve("drip"))
        failing = servers.enter_context(httpserver.serve("500"))
        good = [main_site.url(p) for p in ("/article/a", "/gzip", "/gzip-gzip", "/deflate")]
        good += [
            main_site.url("/deflate-raw"),
            main_site.url("/redirect"),
            main_site.url("/redirect-with-body"),
            main_site.url("/utf16-header"),
            endless.url("/article/b"),
        ]
        bad = {
            main_site.url("/bomb"): f"larger than {cap} bytes",
            main_site.url("/bomb1"): f"larger than {cap} bytes",
            main_site.url("/endless"): f"larger than {cap} bytes",
            main_site.url("/to/javascript:alert(1)"): "not an http(s) URL",
            main_site.url("/to/http://127.0.0.1:99999/"): "port 99999 is outside 1-65535",
            main_site.url("/to/http://[::1"): "not a valid URL",
            main_site.url("/loop"): "redirects in a row",
            main_site.url("/br"): "which ingest does not decode",
            endless.url("/private/x"): "disallowed by the site's robots.txt",
            drip.url("/article/c"): "robots.txt",
            failing.url("/article/d"): "robots.txt could not be read (HTTP 500",
            "http://127.0.0.1:99999/": "port 99999 is outside 1-65535",
            "http://[::1": "not a valid URL",
            "http://127.0.0.1:abc/": "not a valid URL",
            "http://xn--a.com/": "not valid IDNA",
        }
        with tempfile.TemporaryDirectory() as folder:
            tmp = Path(folder)
            (tmp / "urls.txt").write_text("\n".join([*good, *bad]) + "\n", encoding="utf-8")
            common = ["--timeout", f"{args.timeout:g}", "--max-bytes", str(args.max_bytes)]
            common += ["--jobs", str(args.jobs), "--retries", "2"]
            one = run_fetch(
                [main_site.url("/article/start"), "--out", "one", "--raw", "one-raw", *common],
                tmp,
            )
            assert one.status == 0, one.stderr
            run = run_fetch(["-i", "urls.txt", *common], tmp)
            rusage = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            written = {p.stem for p in (tmp / "clean").glob("*.txt")}

    from ingest.fetch import url_key  # only now: this process stayed small while it forked

    errors = [ln for ln in run.stderr.splitlines() if ln.startswith("error:")]
    print(f"\n{len(good)} good URLs, {len(bad)} bad; exit status {run.status} (1 expected)")
    missing = [u for u in good if url_key(u) not in written]
    for url in good:
        print(f"  ok    {url}" if url not in missing else f"  MISSING  {url}")
    unnamed = []
    for url, reason in bad.items():
        line = next((e for e in errors if e.startswith(f"error: {url}: ")), None)
        if line is None or reason not in line:
            unnamed.append(url)
        shown = line.removeprefix("error: ") if line else "NOT NAMED"
        print(f"  {'error' if url not in unnamed else 'WRONG'} {shown[:150]}")
    workers = {pid: kib for pid, kib in run.peaks.items() if pid != run.pid}
    peak_mb = max(run.peaks.values(), default=0) / 1024
    print(
        f"\npeak memory (VmHWM): command {run.peaks.get(run.pid, 0) / 1024:.0f} MB, "
        f"largest of {len(workers)} workers {max(workers.values(), default=0) / 1024:.0f} MB; "
        f"largest process {peak_mb:.0f} MB (target < 600); "
        f"a run of one good page: {max(one.peaks.values(), default=0) / 1024:.0f} MB"
    )
    print(f"ru_maxrss of waited-for descendants: {rusage / 1024:.0f} MB (see the docstring)")
    print(
        f"wall time {run.wall:.1f} s with a {args.timeout:g} s deadline per URL; "
        f"a run of one good page takes {one.wall:.1f} s"
    )
    print(
        f"\n{len(good) - len(missing)}/{len(good)} good written, "
        f"{len(bad) - len(unnamed)}/{len(bad)} bad named; "
        + ("OK" if not missing and not unnamed and run.status == 1 and peak_mb < 600 else "FAILED")
    )
    if "Traceback" in run.stderr:
        print("a traceback on stderr:\n" + run.stderr)


if __name__ == "__main__":
    main()
