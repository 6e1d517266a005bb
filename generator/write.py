"""Atomic file output: a reader (or a failed or killed run) never sees a half-written file or tree.

Three guarantees for ``out/`` (see docs/output.md, "How out/ is written"):

* the output path is checked before any compiling (:func:`check_output_dir`): a file, an unwritable folder or a
  name the file system cannot hold is one clear line and exit 2;
* one build at a time (:func:`output_lock`): a second build into the same folder stops at once with
  "another build is running (pid N)" and exit 2 instead of interleaving its files with the first;
* every unit (``out/<blueprint>`` or ``out/<blueprint>/<env>``) is the complete old tree or the complete new one at
  every instant (:func:`write_tree`): the new tree is staged beside it and swapped in with one
  ``renameat2(RENAME_EXCHANGE)`` on Linux. Staging folders left by a killed build are removed by the next one.
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator

from generator.errors import InputError

LOCK_NAME = ".stackprint.lock"
STAGING_PREFIX = ".stackprint-staging-"


def atomic_write(path: str, data: bytes | str) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same directory and an atomic rename."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".stackprint-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# ---------------------------------------------------------------------------------------------------------------
# Before compiling: is the output path usable at all?

def _nearest_existing(path: str) -> str:
    """The path itself or its closest ancestor that exists (where a new folder would be created)."""
    path = os.path.abspath(path)
    while not os.path.lexists(path):
        path = os.path.dirname(path)
    return path


def check_output_dir(root: str) -> None:
    """Refuse an output path that cannot take a build, before minutes of compiling are spent.

    A file (or a file in the way higher up), a name longer than the file system allows, or a folder this process
    cannot write into is one line with exit 2. The folder itself is created later, by :func:`output_lock`.
    """
    absolute = os.path.abspath(root)
    existing = _nearest_existing(absolute)
    if not os.path.isdir(existing):
        what = "is a file" if existing == absolute else f"cannot be created: {existing} is a file"
        raise InputError(f"{what}, not a directory (give --out a directory)", path=root)
    name_max = os.pathconf(existing, "PC_NAME_MAX")
    path_max = os.pathconf(existing, "PC_PATH_MAX")
    too_long = [part for part in absolute.split(os.sep) if len(part.encode()) > name_max]
    if too_long or len(absolute.encode()) >= path_max:
        limit = f"a name of at most {name_max} bytes" if too_long else f"a path under {path_max} bytes"
        raise InputError(f"output path is too long for the file system ({limit})", path=root)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"output directory is not writable ({existing}: permission denied)", path=root)


def describe_os_error(root: str, error: OSError) -> InputError:
    """One line for a write that failed (full disk, read-only folder, ...), saying the old tree was kept."""
    reason = error.strerror or str(error)
    if error.errno in (errno.EFBIG, errno.ENOSPC, errno.EDQUOT):
        reason = f"disk full or file size limit reached ({reason})"
    what = os.path.relpath(error.filename, root) if isinstance(error.filename, str) else "the build"
    return InputError(f"cannot write {what}: {reason}; {root} was left as it was", path=root)


# ---------------------------------------------------------------------------------------------------------------
# One build at a time.

def _lock_holder(path: str) -> str:
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            pid = handle.read().strip()
    except OSError:
        pid = ""
    return f"pid {pid}" if pid.isdigit() else "pid unknown"


@contextlib.contextmanager
def output_lock(root: str) -> Iterator[None]:
    """Hold ``root/.stackprint.lock`` (``fcntl.flock``) for a whole build; refuse at once when another build has it.

    Refusing (exit 2) rather than waiting keeps CI logs honest and never hangs; the lock is released by the kernel
    when its holder dies, so a killed build never blocks the next one. The lock file is removed on release (the
    inode check after locking makes that safe against a build that opened the old file meanwhile); a folder this
    lock had to create is removed again if the build wrote nothing into it.
    """
    import fcntl

    created = not os.path.isdir(root)
    try:
        os.makedirs(root, exist_ok=True)
        path = os.path.join(root, LOCK_NAME)
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise InputError(f"another build is running ({_lock_holder(path)}); wait for it to finish "
                                 f"(the lock {LOCK_NAME} frees itself when that build ends)", path=root) from None
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)  # the previous holder removed the file between our open and our lock: try again
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
    except OSError as exc:
        raise InputError(f"cannot use the output directory: {exc.strerror or exc}", path=root) from None
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)
        if created:
            with contextlib.suppress(OSError):
                os.rmdir(root)


# ---------------------------------------------------------------------------------------------------------------
# Replacing trees.

def clean_stale_staging(root: str) -> list[str]:
    """Remove ``.stackprint-staging-*`` folders left in ``root`` by a killed build; return their names.

    Only called with the output lock held, so no live build can own them.
    """
    if not os.path.isdir(root):
        return []
    stale = sorted(name for name in os.listdir(root) if name.startswith(STAGING_PREFIX))
    for name in stale:
        shutil.rmtree(os.path.join(root, name), ignore_errors=True)
    return stale


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _renameat2():
    """libc's ``renameat2`` (Linux, glibc 2.28+), or None where there is none."""
    name = ctypes.util.find_library("c")
    try:
        function = ctypes.CDLL(name, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def exchange(a: str, b: str) -> bool:
    """Swap two existing paths in one atomic step; False when the system cannot (the caller falls back)."""
    function = _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # kernel or file system without RENAME_EXCHANGE
    raise OSError(code, os.strerror(code), b)


def _swap_in(new: str, final: str, old: str) -> None:
    """Put the tree at ``new`` in place of ``final``; whatever was at ``final`` ends up at ``new`` or ``old``."""
    os.makedirs(os.path.dirname(final), exist_ok=True)
    if not os.path.lexists(final):
        os.rename(new, final)  # before: no tree (the old state); after: the new one
    elif not exchange(new, final):
        # Portable fallback (no RENAME_EXCHANGE): two renames, with an instant where ``final`` is missing.
        os.makedirs(os.path.dirname(old), exist_ok=True)
        os.replace(final, old)
        os.replace(new, final)


def _stage_file(target: str, data: bytes, final: str) -> None:
    """Write one staged file; a failure names the file the user will look for (``final``), not the staging copy."""
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(data)
        os.chmod(target, 0o644)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, final) from exc


def write_tree(root: str, units: dict[str, dict[str, bytes]]) -> list[str]:
    """Replace whole directories under ``root`` with new contents, each in one atomic step; return stale staging.

    ``units`` maps a directory relative to ``root`` (``shop`` or ``shop/dev``) to its complete new contents
    (relative file path -> bytes). Everything is staged in a hidden directory inside ``root`` first, so a failure
    while writing (full disk, read-only folder) leaves ``root`` untouched; then each unit swaps in atomically. Files
    of a unit that are no longer produced disappear with the old directory (no stale templates). Call it with
    :func:`output_lock` held: staging folders of killed builds are removed first (their names are returned).
    """
    os.makedirs(root, exist_ok=True)
    stale = clean_stale_staging(root)
    staging = tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root)
    try:
        for unit, files in sorted(units.items()):
            for relative, data in sorted(files.items()):
                _stage_file(os.path.join(staging, "new", unit, relative), data, os.path.join(root, unit, relative))
        for unit in sorted(units):
            _swap_in(os.path.join(staging, "new", unit), os.path.join(root, unit), os.path.join(staging, "old", unit))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return stale
