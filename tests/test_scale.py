"""A folder of 100,000 files streams through in bounded memory."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

N_DIRS, PER_DIR = 500, 200  # 100,000 files


@pytest.mark.slow
def test_hundred_thousand_files_stream_in_bounded_memory(tmp_path):
    root = tmp_path / "many"
    for d in range(N_DIRS):
        folder = root / f"pkg{d:03d}"
        folder.mkdir(parents=True)
        for i in range(PER_DIR):
            (folder / f"m{i:03d}.ts").write_bytes(b"export const value = 1;\n")
    out = tmp_path / "report.json"
    # a wrapper process, so that RUSAGE_CHILDREN covers exactly the CLI and its pool workers
    wrapper = (
        "import resource, subprocess, sys\n"
        f"rc = subprocess.run([sys.executable, '-m', 'nango_lint', '--format', 'json', {str(root)!r}],"
        f" stdout=open({str(out)!r}, 'w')).returncode\n"
        "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    proc = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, timeout=1800)
    rc, peak_kib = (int(x) for x in proc.stdout.split())
    assert rc == 0, proc.stderr[-2000:]
    doc = json.loads(out.read_text())
    assert doc["summary"]["files"] == N_DIRS * PER_DIR
    assert doc["findings"] == []
    # ru_maxrss of children is the largest single process (the CLI or one worker), in KiB
    assert peak_kib < 150 * 1024, f"peak RSS {peak_kib / 1024:.0f} MiB"
