"""Cross-stack values of one environment: who exports what, who imports it, and which changes CloudFormation refuses.

CloudFormation will not delete or change an export while another stack imports it ("Export … cannot be deleted as
it is in use by …"), so a diff that removes or renames an export still imported in the new tree, or that changes an
imported export's value (its text, or a resource it points at being replaced), would fail on deploy. Export and
import names are resolved when they are literal or built with ``Fn::Sub`` / ``Fn::Join`` from ``AWS::StackName``
and parameter defaults; a name that cannot be resolved offline is skipped, never guessed.
"""
from __future__ import annotations

import re
from functools import cached_property

from generator.diff.sources import Tree
from generator.diff.values import references, show

_SUB_VARIABLE = re.compile(r"\$\{([^}!]+)\}")


class Environment:
    """The templates of one directory of a tree, with their exports and imports resolved to names."""

    def __init__(self, tree: Tree, paths: list[str]):
        self.tree = tree
        self.paths = sorted(paths)
        self.templates = {p: tree.templates[p] for p in self.paths}

    def resolve(self, value, path: str, variables: dict | None = None) -> str | None:
        """The string ``value`` evaluates to in the template at ``path``, when that is knowable offline."""
        template = self.templates[path]
        if isinstance(value, str):
            return value
        if not isinstance(value, dict) or len(value) != 1:
            return None
        (key, inner), = value.items()
        if key == "Ref" and isinstance(inner, str):
            if variables and inner in variables:
                return variables[inner]
            if inner == "AWS::StackName":
                return self.tree.stacks.get(path)
            parameter = (template.get("Parameters") or {}).get(inner)
            default = parameter.get("Default") if isinstance(parameter, dict) else None
            return default if isinstance(default, str) else None
        if key == "Fn::Join" and isinstance(inner, list) and len(inner) == 2 and isinstance(inner[1], list):
            parts = [self.resolve(part, path, variables) for part in inner[1]]
            return None if None in parts or not isinstance(inner[0], str) else inner[0].join(parts)
        if key == "Fn::Sub":
            text, names = (inner, {}) if isinstance(inner, str) else (inner + [None, None])[:2] \
                if isinstance(inner, list) else (None, None)
            if not isinstance(text, str):
                return None
            scope = dict(variables or {})
            for name, sub in (names or {}).items():
                scope[name] = self.resolve(sub, path, variables)
            failed = False

            def substitute(match: re.Match) -> str:
                nonlocal failed
                resolved = scope.get(match.group(1)) if match.group(1) in scope else \
                    self.resolve({"Ref": match.group(1)}, path)
                if resolved is None:
                    failed = True
                    return ""
                return resolved

            result = _SUB_VARIABLE.sub(substitute, text)
            return None if failed else result
        return None

    @cached_property
    def exports(self) -> dict[str, tuple[str, str, object]]:
        """Export name -> (template path, output name, output value)."""
        found = {}
        for path, template in self.templates.items():
            for output, body in sorted((template.get("Outputs") or {}).items()):
                if isinstance(body, dict) and isinstance(body.get("Export"), dict):
                    name = self.resolve(body["Export"].get("Name"), path)
                    if name is not None:
                        found[name] = (path, output, body.get("Value"))
        return found

    @cached_property
    def imports(self) -> list[tuple[str, str, str]]:
        """(export name, importing template path, where: ``Resources.Service``) for every Fn::ImportValue."""
        found = set()
        for path, template in self.templates.items():
            for section in ("Resources", "Outputs"):
                for name, body in sorted((template.get(section) or {}).items()):
                    for value in _import_values(body):
                        resolved = self.resolve(value, path)
                        if resolved is not None:
                            found.add((resolved, path, f"{section}.{name}"))
        return sorted(found)


def _import_values(value) -> list:
    """Arguments of every Fn::ImportValue inside ``value``."""
    found = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Fn::ImportValue":
                found.append(inner)
            else:
                found += _import_values(inner)
    elif isinstance(value, list):
        for inner in value:
            found += _import_values(inner)
    return found


def broken(old: Environment, new: Environment, replaced: set[tuple[str, str]]) -> list[str]:
    """Errors for exports the new tree removes, renames or changes while a stack of the environment imports them.

    ``replaced`` holds (template path, logical id) of resources replaced or removed by the diff: an export whose
    value refers to one changes value on deploy even when its text does not.
    """
    errors = []
    still_imported = {}
    for name, path, where in new.imports:
        still_imported.setdefault(name, []).append((path, where))
    old_importers = {(name, path) for name, path, _ in old.imports}
    renamed = {(path, output): name for name, (path, output, _) in new.exports.items()}
    for name in sorted(set(old.exports) - set(new.exports)):
        path, output, _ = old.exports[name]
        for importer, where in still_imported.get(name, []):
            if importer == path:
                continue
            now = renamed.get((path, output))
            what = f"renamed to {now}" if now else "removed"
            errors.append(f"{importer}: {where} imports {name}, which {path} no longer exports ({what}; "
                          f"CloudFormation refuses to remove an export in use)")
    for name in sorted(set(old.exports) & set(new.exports)):
        old_path, _, old_value = old.exports[name]
        path, output, value = new.exports[name]
        causes = sorted(r for p, r in replaced if p == path and r in references(value))
        if old_value == value and not causes:
            continue
        how = f"{', '.join(causes)} replaced" if causes else f"{show(old_value)} → {show(value)}"
        for importer, where in still_imported.get(name, []):
            if importer != path and (name, importer) in old_importers:
                errors.append(f"{importer}: {where} imports {name}, whose value changes ({how}); CloudFormation "
                              f"refuses to update an export in use (deploy the change in two steps)")
    return sorted(set(errors))


def order_notes(old: Environment, new: Environment) -> list[str]:
    """Exports the new tree drops that a stack imports today but no longer will: not an error, but that stack must
    be updated (or deleted, when it goes) first, or CloudFormation refuses the exporter's update while the old
    import still stands."""
    notes = set()
    still = {name for name, _, _ in new.imports}
    for name in sorted(set(old.exports) - set(new.exports) - still):
        exporter = old.exports[name][0]
        for imported, importer, _ in old.imports:
            if imported != name or importer == exporter:
                continue
            if importer in new.templates:
                notes.add(f"{exporter} stops exporting {name}, which {importer} imports until it is updated: "
                          f"deploy {importer} first")
            else:
                notes.add(f"{exporter} stops exporting {name}, which {importer} imports until its stack is "
                          f"deleted: delete that stack first")
    return sorted(notes)
