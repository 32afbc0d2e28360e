"""A full file system: the command fails, and every file under a final name is whole.

Each case mounts a small tmpfs in a user and mount namespace of its own
(``unshare -rm``, no root needed where user namespaces are allowed), runs the command
into it and checks, inside the namespace, every file left there: CSV files parse,
JSON loads, Parquet reads, PNG ends with its IEND chunk, YAML loads. Skipped where
the namespace cannot be made.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import write

# Run inside the namespace after the command: one JSON line naming every file that is
# not whole (and the files seen), so that the test can look at a file system that
# disappears with the namespace.
_CHECK = r"""
import json, sys
from pathlib import Path
import pandas as pd, pyarrow.parquet as pq, yaml
seen, broken, sessions = [], [], []
for path in sorted(Path(sys.argv[1]).rglob("*")):
    if not path.is_file():
        continue
    seen.append(str(path))
    try:
        data = path.read_bytes()
        if not data:
            raise ValueError("empty")
        if path.suffix == ".csv":
            pd.read_csv(path)
        elif path.suffix == ".json":
            if path.name == "manifest.json":
                sessions += [s["status"] for s in json.loads(data).get("sessions", [])]
        elif path.suffix == ".parquet":
            pq.read_table(path)
        elif path.suffix == ".png":
            assert data.endswith(b"IEND\xaeB`\x82"), "no IEND"
        elif path.suffix == ".yaml":
            yaml.safe_load(data)
    except Exception as error:
        broken.append(f"{path}: {error!r}")
print(json.dumps({"seen": seen, "broken": broken, "sessions": sessions}))
"""

SWEEP = """\
name: full disk
replications: 6
horizon_weeks: 30
factors:
  rollout.strategy: [big_bang, small_steps, short_cycle]
weekly: [adoption, dropout, strain_mean]
"""


def _namespaces_work() -> bool:
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return False
    probe = "d=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs $d && umount $d"
    done = subprocess.run(["unshare", "-rm", "sh", "-c", probe], capture_output=True)
    return done.returncode == 0


pytestmark = [
    pytest.mark.slow,  # each case runs a command in a fresh process
    pytest.mark.skipif(
        not _namespaces_work(), reason="no user and mount namespaces here (unshare -rm)"
    ),
]


def run_on_full_disk(tmp_path: Path, size_kb: int, *command: str) -> tuple[int, str, dict]:
    """Run ``transnum COMMAND --out MOUNT/out`` on a tmpfs of ``size_kb``; check its files."""
    mount = tmp_path / "disk"
    mount.mkdir()
    script = write(tmp_path / "check.py", _CHECK)
    shell = (
        f'mount -t tmpfs -o size={size_kb}k tmpfs "$1" || exit 99; '
        f'"$2" -m simulation "${{@:4}}" --out "$1/out" 2>"$3"; rc=$?; '
        f'"$2" "$3.py" "$1" > "$3.json"; exit $rc'
    )
    log = tmp_path / "stderr"
    shutil.copyfile(script, f"{log}.py")
    arguments = [str(mount), sys.executable, str(log), *command]
    done = subprocess.run(
        ["unshare", "-rm", "bash", "-c", shell, "sh", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 99, done.stderr
    return done.returncode, log.read_text(), json.loads(Path(f"{log}.json").read_text())


def assert_failed_cleanly(status: int, stderr: str, files: dict) -> None:
    assert status == 1, stderr  # the environment, not the input
    assert files["broken"] == [], files  # no truncated or empty file under a final name
    assert not [f for f in files["seen"] if Path(f).name.startswith(".")], files  # no .part
    assert "Traceback" not in stderr, stderr
    # Notes (go-lives after the horizon) may come first; the error is one line.
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, stderr
    assert "no space left" in errors[0].lower(), errors[0]


@pytest.mark.parametrize("size_kb", [400])
def test_compare_on_a_full_disk(tmp_path, size_kb):
    # The exports total about 610 KB: the disk fills during the Parquet exports.
    compare = ("compare", "--replications", "2", "--weeks", "20", "--workers", "1")
    assert_failed_cleanly(*run_on_full_disk(tmp_path, size_kb, *compare))


@pytest.mark.parametrize("size_kb", [60])
def test_run_on_a_full_disk(tmp_path, size_kb):
    assert_failed_cleanly(*run_on_full_disk(tmp_path, size_kb, "run", "--weeks", "20"))


@pytest.mark.parametrize("size_kb", [48])
def test_sweep_on_a_full_disk(tmp_path, size_kb):
    experiment = write(tmp_path / "sweep.yaml", SWEEP)
    status, stderr, files = run_on_full_disk(
        tmp_path, size_kb, "sweep", str(experiment), "--workers", "1"
    )
    # A sweep's folder left behind never says complete without its exports.
    names = {Path(f).name for f in files["seen"]}
    if "complete" in files["sessions"]:
        assert {"runs.csv", "summary.csv"} <= names, files
    assert_failed_cleanly(status, stderr, files)
