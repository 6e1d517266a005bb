"""Faults while writing out/: a bad --out, a full disk, a read-only folder, a kill at any moment, two builds at once.

Each test asserts what a user would check afterwards: one clear line and exit 2, and ``out/`` exactly the old tree
or exactly the new one. The kill test kills a real child process (holding the lock, writing a tree) at random
moments across its write phase; the write phase is made long by giving it many files, not by a test hook.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.errors import InputError
from generator.write import (LOCK_NAME, STAGING_PREFIX, check_output_dir, describe_os_error, output_lock,
                             write_tree)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` except the lock and staging folders (what `stackprint check` looks at)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.relative_to(root).parts[0].startswith(".")}


def build(args: list[str]):
    return CliRunner().invoke(main, ["build", *args])


# ---------------------------------------------------------------------------------------------------------------
# The output path is checked before compiling.

def test_out_that_is_a_file_is_one_line_before_compiling(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no blueprints/ here: compiling would fail differently
    (tmp_path / "out").write_text("not a folder")
    result = build(["--out", "out"])
    assert result.exit_code == 2
    assert result.stderr == "out: is a file, not a directory (give --out a directory)\n"
    assert (tmp_path / "out").read_text() == "not a folder"


def test_out_below_a_file_and_too_long_are_refused(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match=r"cannot be created: .*/f is a file"):
        check_output_dir(str(tmp_path / "f" / "out"))
    with pytest.raises(InputError, match=r"too long for the file system \(a name of at most 255 bytes\)"):
        check_output_dir(str(tmp_path / ("n" * 300)))
    deep = str(tmp_path / "/".join(["d" * 200] * 25))
    with pytest.raises(InputError, match=r"too long for the file system \(a path under 4096 bytes\)"):
        check_output_dir(deep)
    check_output_dir(str(tmp_path / "new" / "out"))  # creatable: fine, and nothing created yet
    assert not (tmp_path / "new").exists()


@pytest.fixture
def read_only_dir(tmp_path):
    """A folder this process cannot write: a read-only tmpfs as root (root ignores modes), mode 0555 otherwise."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", str(folder)],
                          capture_output=True).returncode != 0:
            pytest.skip("running as root and cannot mount a read-only tmpfs")
        yield folder
        subprocess.run(["umount", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)


def test_read_only_out_is_one_line_and_exit_2(read_only_dir, monkeypatch):
    monkeypatch.chdir(read_only_dir.parent)
    result = build(["--out", "ro/out"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "ro/out:" in lines[0] and ("not writable" in lines[0] or "Read-only" in lines[0])
    assert "Traceback" not in result.output


# ---------------------------------------------------------------------------------------------------------------
# A full disk while writing leaves the old tree.

FULL_DISK_CHILD = textwrap.dedent("""
    import resource, signal, sys
    from generator.write import describe_os_error, output_lock, write_tree
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a write past the limit fails with EFBIG instead of killing us
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))
    root = sys.argv[1]
    with output_lock(root):
        try:
            write_tree(root, {"shop": {"dev/a.yaml": b"small", "dev/b.yaml": b"x" * 5000}})
        except OSError as exc:
            print(describe_os_error(root, exc)); sys.exit(2)
""")


def test_a_full_disk_gives_one_line_and_keeps_the_old_tree(tmp_path):
    root = tmp_path / "out"
    write_tree(str(root), {"shop": {"dev/a.yaml": b"old"}})
    before = snapshot(root)
    child = subprocess.run([sys.executable, "-c", FULL_DISK_CHILD, str(root)], capture_output=True, text=True)
    assert child.returncode == 2, child.stderr
    assert child.stdout.strip() == (f"{root}: cannot write shop/dev/b.yaml: disk full or file "
                                    f"size limit reached (File too large); {root} was left as it was")
    assert snapshot(root) == before
    assert sorted(p.name for p in root.iterdir()) == ["shop"]  # no lock, no staging left


def test_describe_os_error_names_the_file_relative_to_out():
    error = OSError(28, "No space left on device", "/x/out/shop/dev/a.yaml")
    assert str(describe_os_error("/x/out", error)) == (
        "/x/out: cannot write shop/dev/a.yaml: disk full or file size "
        "limit reached (No space left on device); /x/out was left as it was")


# ---------------------------------------------------------------------------------------------------------------
# Killed at any moment: every unit is the complete old tree or the complete new one.

KILL_CHILD = textwrap.dedent("""
    import sys
    from generator.write import output_lock, write_tree
    root, tag, FILES = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3])
    units = {u: {f"dev/{i:04d}.yaml": tag + b"-" + u.encode() + b"-" + str(i).encode() for i in range(FILES)}
             for u in ("alpha", "beta")}
    print("ready", flush=True)
    with output_lock(root):
        write_tree(root, units)
""")


FILES = 300  # per unit: enough to make the write phase long enough to land kills in (tens of milliseconds)


def _tree(tag: str, unit: str) -> dict[str, bytes]:
    return {f"{unit}/dev/{i:04d}.yaml": f"{tag}-{unit}-{i}".encode() for i in range(FILES)}


def _write_phase_seconds(root: Path) -> float:
    """How long the child takes from "ready" (imports done) to its exit: the window the kills are spread over."""
    child = subprocess.Popen([sys.executable, "-c", KILL_CHILD, str(root), "old", str(FILES)], stdout=subprocess.PIPE)
    assert child.stdout.readline() == b"ready\n"
    start = time.monotonic()
    child.wait()
    child.stdout.close()
    return time.monotonic() - start


@pytest.mark.slow  # 20 child interpreters: ~10-30 s on a shared machine
def test_a_build_killed_at_random_moments_leaves_each_unit_old_or_new(tmp_path):
    root = tmp_path / "out"
    duration = _write_phase_seconds(root)  # also writes the "old" tree
    old = {**_tree("old", "alpha"), **_tree("old", "beta")}
    assert snapshot(root) == old
    rng = random.Random(13)
    outcomes = set()
    for trial in range(20):
        child = subprocess.Popen([sys.executable, "-c", KILL_CHILD, str(root), "new", str(FILES)],
                                 stdout=subprocess.PIPE)
        assert child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0, duration * 1.1))  # across the write phase, and a few kills just after it
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        state = snapshot(root)
        for unit in ("alpha", "beta"):
            part = {k: v for k, v in state.items() if k.startswith(unit + "/")}
            assert part in (_tree("old", unit), _tree("new", unit)), f"trial {trial}: {unit} is mixed or missing"
            outcomes.add((unit, "new" if part == _tree("new", unit) else "old"))
        # back to the old tree for the next trial (this also removes the stale staging of the killed child)
        with output_lock(str(root)):
            write_tree(str(root), {u: {k.split("/", 1)[1]: v for k, v in _tree("old", u).items()}
                                   for u in ("alpha", "beta")})
        assert not [p for p in root.iterdir() if p.name.startswith(STAGING_PREFIX)]
    assert ("alpha", "old") in outcomes  # some kills landed before the swaps (not all after the child finished)


def test_stale_staging_from_a_killed_build_is_removed_and_reported(tmp_path, monkeypatch):
    root = tmp_path / "out"
    (root / f"{STAGING_PREFIX}dead" / "new" / "shop").mkdir(parents=True)
    with output_lock(str(root)):
        stale = write_tree(str(root), {"shop": {"dev/a.yaml": b"1"}})
    assert stale == [f"{STAGING_PREFIX}dead"]
    assert sorted(p.name for p in root.iterdir()) == ["shop"]


# ---------------------------------------------------------------------------------------------------------------
# Two builds at once.

def test_a_second_build_into_the_same_out_is_refused_with_the_pid(tmp_path):
    root = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys, time
        from generator.write import output_lock
        with output_lock(sys.argv[1]):
            print("locked", flush=True); time.sleep(30)
    """), str(root)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline() == b"locked\n"
        with pytest.raises(InputError) as caught:
            with output_lock(str(root)):
                pass
        assert str(caught.value) == (f"{root}: another build is running (pid {holder.pid}); wait for it to finish "
                                     f"(the lock {LOCK_NAME} frees itself when that build ends)")
        result = CliRunner().invoke(main, ["build", "--out", str(root)])
        assert result.exit_code == 2
        assert f"another build is running (pid {holder.pid})" in result.stderr
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    with output_lock(str(root)):  # the kernel freed the lock when the holder died
        assert (root / LOCK_NAME).exists()
    assert not (root / LOCK_NAME).exists()  # removed on release
    fresh = tmp_path / "fresh"
    with output_lock(str(fresh)):
        assert fresh.is_dir()
    assert not fresh.exists()  # a folder the lock created is removed again when nothing was written into it


@pytest.mark.slow
def test_check_ignores_the_lock_and_staging(tmp_path, monkeypatch):
    """`stackprint check` over a committed out/ with a lock file and stale staging beside it: still up to date."""
    import shutil

    repo = Path(__file__).parent.parent
    out = tmp_path / "out"
    shutil.copytree(repo / "out", out)
    (out / LOCK_NAME).write_text("123\n")
    (out / f"{STAGING_PREFIX}x" / "new").mkdir(parents=True)
    (out / f"{STAGING_PREFIX}x" / "new" / "b.yaml").write_text("2")
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["check", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "is up to date" in result.stderr


def test_a_full_disk_during_a_real_build_is_one_line_and_keeps_out(tmp_path):
    """`stackprint build` in a process whose file size limit is 2000 bytes: templates are larger, the write fails."""
    blueprint = Path(__file__).parent.parent / "blueprints" / "web-api.yaml"
    root = tmp_path / "out"
    write_tree(str(root), {"web-api": {"dev/old.yaml": b"old"}})
    before = snapshot(root)
    child = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))
        from generator.cli import main
        sys.argv = ["stackprint", "build", *sys.argv[1:]]
        main()
    """), str(blueprint), "--out", str(root), "--quiet"], capture_output=True, text=True, env={**os.environ,
                                                                                   "PYTHONDONTWRITEBYTECODE": "1"})
    assert child.returncode == 2, child.stderr
    lines = child.stderr.strip().splitlines()
    # the cache is written before out/ and hits the same limit first: one warning, and the build goes on to fail
    assert sum("cannot write the build cache (File too large)" in line for line in lines) <= 1
    lines = [line for line in lines if "cannot write the build cache" not in line]
    assert len(lines) == 1 and "Traceback" not in child.stderr
    assert lines[0].startswith(f"{root}: cannot write web-api/")
    assert lines[0].endswith(f"disk full or file size limit reached (File too large); {root} was left as it was")
    assert snapshot(root) == before
    assert sorted(p.name for p in root.iterdir()) == ["web-api"]


@pytest.mark.slow
def test_a_real_build_killed_at_random_moments_leaves_out_old_or_new(tmp_path):
    """End to end: `stackprint build` itself killed at 20 random moments across its whole run (compile and write)."""
    blueprint = Path(__file__).parent.parent / "blueprints" / "hardened-two-tier.yaml"
    # --no-cache: every trial does the whole work the timed first build did (a warm cache would finish before the kill)
    command = [sys.executable, "-m", "generator.cli", "build", "--no-cache", str(blueprint)]
    fresh = tmp_path / "fresh"
    start = time.monotonic()
    subprocess.run([*command, "--out", str(fresh)], check=True, capture_output=True)
    duration = time.monotonic() - start
    new = snapshot(fresh)
    old = {path: data + b"\n# old\n" for path, data in new.items()} | {"hardened-two-tier/dev/stale.txt": b"x"}

    def reset(root: Path) -> None:
        units: dict[str, dict[str, bytes]] = {}
        for path, data in old.items():
            unit, rest = path.split("/", 1)
            units.setdefault(unit, {})[rest] = data
        with output_lock(str(root)):
            write_tree(str(root), units)

    root = tmp_path / "out"
    rng = random.Random(1313)
    seen = set()
    for trial in range(20):
        reset(root)
        child = subprocess.Popen([*command, "--out", str(root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(duration * 0.5, duration * 1.1))  # the first half is interpreter start and imports
        if child.poll() is not None:  # it finished before the kill: builds run faster now than the timed one did
            duration *= 0.8  # (the test suite runs in parallel workers: the machine's load changes as it goes)
        child.send_signal(signal.SIGKILL)
        child.wait()
        state = snapshot(root)
        assert state in (old, new), f"trial {trial}: out/ is neither the old nor the new tree"
        seen.add("new" if state == new else "old")
    assert "old" in seen  # at least some kills landed before the swap (under load, maybe none after it)
