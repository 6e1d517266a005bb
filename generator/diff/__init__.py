"""Semantic diff of two sets of CloudFormation templates (issue 10, part 1): what a deploy would change.

Public API (used by ``stackprint diff`` and ``stackprint check --diff``)::

    from generator.diff import Tree, diff_trees, render, resolve_sources
    old, new = resolve_sources(old_spec, new_spec)      # directories, git revisions, or out/ vs a fresh build
    report = diff_trees(old, new)
    text = render(report, "text" | "markdown" | "json", color=False)
    report.exit_code(allow_replace=False)                # 1 on danger or a broken export, else 0

Stacks are matched by file path relative to the tree's root; an environment is one directory of templates
(the unit that shares exports and security groups).
"""
from generator.diff.changes import diff_trees
from generator.diff.render import render
from generator.diff.report import Report
from generator.diff.sources import Tree, resolve_sources, tree_from_files

__all__ = ["Tree", "Report", "diff_trees", "render", "resolve_sources", "tree_from_files"]
