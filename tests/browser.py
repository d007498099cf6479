"""A real headless Chromium for the report tests: Debian's package, installed when missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

# Without the background-networking flags Chromium keeps trying to reach Google's hosts,
# which a closed network refuses; a fresh profile keeps runs independent.
_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars",
)  # fmt: skip


def find_or_install_chromium() -> str | None:
    """Chromium from Debian's packages: the one on PATH, else apt-get install (as root)."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        return None
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for args in ([apt, "update"], [apt, "install", "-y", "--no-install-recommends", "chromium"]):
        try:
            subprocess.run(args, env=env, capture_output=True, timeout=600, check=True)
        except (OSError, subprocess.SubprocessError):
            return None
    return shutil.which("chromium")


def chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [binary, *_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
