"""Where the two sides of a diff come from: a directory, a git revision's ``out/``, or a fresh in-memory build.

Git is called as a subprocess (``git ls-tree`` once, then one ``git cat-file --batch`` for every blob), so a
revision costs two processes however many templates it holds. A revision or path that does not exist is an
:class:`InputError` (one line, exit 2).
"""
from __future__ import annotations

import os
import posixpath
import subprocess
from dataclasses import dataclass, field

from generator.diff.templates import TEMPLATE_SUFFIXES, default_stack_name, is_template, parse, stack_names
from generator.errors import InputError


@dataclass
class Tree:
    """The templates of one side: path relative to the tree's root -> parsed template, and each one's stack name."""

    label: str
    templates: dict[str, dict] = field(default_factory=dict)
    stacks: dict[str, str] = field(default_factory=dict)

    def environments(self) -> dict[str, list[str]]:
        """Directory -> its template paths (sorted): the stacks that share exports and security groups."""
        found: dict[str, list[str]] = {}
        for path in sorted(self.templates):
            found.setdefault(posixpath.dirname(path), []).append(path)
        return found


def tree_from_files(label: str, files: dict[str, bytes | str]) -> Tree:
    """Parse every template among ``files`` (relative path -> content); other files are ignored."""
    texts = {path: data.decode("utf-8", "replace") if isinstance(data, bytes) else data
             for path, data in files.items()}
    names = stack_names(texts)
    tree = Tree(label)
    for path in sorted(texts):
        if not path.endswith(TEMPLATE_SUFFIXES) or posixpath.basename(path) == "stacks.json":
            continue
        data = parse(texts[path], path)
        if is_template(data):
            tree.templates[path] = data
            tree.stacks[path] = names.get(path, default_stack_name(path))
    return tree


def read_directory(directory: str) -> dict[str, bytes]:
    """Every file under ``directory`` (hidden entries skipped), keyed by its path relative to it."""
    found = {}
    for base, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = os.path.join(base, name)
            with open(path, "rb") as handle:
                found[os.path.relpath(path, directory).replace(os.sep, "/")] = handle.read()
    return found


def _git(args: list[str], what: str, stdin: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(["git", *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise InputError(f"{what}: git is not installed (give two directories instead)") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"{what}: {message[-1] if message else 'git failed'}")
    return result.stdout


def is_revision(spec: str) -> bool:
    """Whether ``spec`` names a commit of the repository around the current directory."""
    try:
        result = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"],
                                capture_output=True, check=False)
    except FileNotFoundError:
        return False
    return result.returncode == 0


def _in_repository() -> bool:
    try:
        return subprocess.run(["git", "rev-parse", "--git-dir"], capture_output=True, check=False).returncode == 0
    except FileNotFoundError:
        return False


def read_revision(revision: str, directory: str) -> dict[str, bytes]:
    """Every file under ``directory`` (relative to the current directory) as committed in ``revision``."""
    prefix = _git(["rev-parse", "--show-prefix"], revision).decode().strip()
    root = posixpath.normpath(posixpath.join(prefix, directory.replace(os.sep, "/")))
    root = "" if root == "." else root
    listing = _git(["ls-tree", "-r", "-z", "--full-tree", revision, "--", root or "."], revision)
    entries = []
    for line in listing.split(b"\0"):
        if not line:
            continue
        meta, _, name = line.partition(b"\t")
        mode, kind, sha = meta.split()
        if kind == b"blob":
            entries.append((name.decode("utf-8"), sha.decode()))
    if not entries:
        return {}
    batch = _git(["cat-file", "--batch"], revision, stdin=b"".join(sha.encode() + b"\n" for _, sha in entries))
    files, offset = {}, 0
    for name, sha in entries:
        header_end = batch.index(b"\n", offset)
        size = int(batch[offset:header_end].split()[2])
        start = header_end + 1
        relative = posixpath.relpath(name, root) if root else name
        files[relative] = batch[start:start + size]
        offset = start + size + 1
    return files


def fresh_build(blueprints: str) -> dict[str, bytes]:
    """What ``stackprint build`` would write for ``blueprints/*.yaml`` now, in memory (gates skipped: a diff
    reports changes, ``build`` and ``check`` judge them)."""
    from generator.compile import blueprint_paths, compile_blueprints  # cfn-lint import is slow: only here

    return compile_blueprints(blueprint_paths((), blueprints), gates=[]).files()


def _has_blueprints(directory: str) -> bool:
    return os.path.isdir(directory) and any(n.endswith((".yaml", ".yml")) for n in os.listdir(directory))


def load_side(spec: str, out: str) -> Tree:
    """One side given on the command line: a directory, a template file, or a git revision."""
    if os.path.isdir(spec):
        return tree_from_files(spec.rstrip("/") + "/", read_directory(spec))
    if os.path.isfile(spec):
        with open(spec, "rb") as handle:
            return tree_from_files(spec, {os.path.basename(spec): handle.read()})
    if is_revision(spec):
        return tree_from_files(f"{spec}:{out.rstrip('/')}/", read_revision(spec, out))
    outside = not is_revision("HEAD") and not _in_repository()
    raise InputError(f"{spec}: neither a directory, a template file nor a git revision of this repository"
                     + (" (the current directory is not in a git repository: give OLD and NEW)" if outside else ""))


def default_new(out: str, blueprints: str, progress=None) -> Tree:
    """The NEW side when none is given: a fresh build of blueprints/, or out/ on disk when there are none."""
    if _has_blueprints(blueprints):
        if progress:
            progress(f"building {blueprints.rstrip('/')}/ in memory …")
        return tree_from_files(f"fresh build of {blueprints.rstrip('/')}/", fresh_build(blueprints))
    if os.path.isdir(out):
        return tree_from_files(out.rstrip("/") + "/", read_directory(out))
    raise InputError(f"{blueprints}: no blueprints to build and no {out}/ directory (give OLD and NEW)")


def resolve_sources(old: str | None, new: str | None, out: str = "out",
                    blueprints: str = "blueprints", progress=None) -> tuple[Tree, Tree]:
    """The two trees named by ``stackprint diff [OLD] [NEW]``.

    No argument: ``HEAD``'s committed out/ against a fresh build. ``A..B`` (alone): the out/ of two revisions;
    ``A...B``: from their merge base to B, as in ``git diff``. ``progress`` (a callable taking one line) is told
    before the in-memory build, the only slow step.
    One argument: it against the default NEW. A single template file on each side is compared as one stack.
    """
    if old is None:
        old = "HEAD"
    if new is None and ".." in old and not os.path.exists(old):
        symmetric = "..." in old
        first, _, second = old.partition("..." if symmetric else "..")
        old, new = first or "HEAD", second or "HEAD"
        if symmetric:  # git's A...B: what B changed since it left A
            if not (is_revision(old) and is_revision(new)):
                raise InputError(f"{old}...{new}: both sides must be git revisions of this repository")
            old = _git(["merge-base", old, new], f"{old}...{new}").decode().strip()
    old_tree = load_side(old, out)
    new_tree = default_new(out, blueprints, progress) if new is None else load_side(new, out)
    if os.path.isfile(old) and new is not None and os.path.isfile(new):
        # Two single files: compare them as one stack whatever their names.
        name = os.path.basename(new)
        old_tree.templates = {name: t for t in old_tree.templates.values()}
        old_tree.stacks = {name: s for s in old_tree.stacks.values()}
    return old_tree, new_tree
