"""One environment's report, read from its rendered templates: reachability, billable resources, diagram, cost.

Reads an ``out/<blueprint>/<env>/`` directory (its ``stacks.json`` names the templates; a folder without one is read
as every template in it), or template texts held in memory by the build. Never needs the blueprint.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass

from generator.errors import InputError
from generator.reach import Reach, analyse, from_paths, from_texts
from generator.report.cost import Estimate, estimate
from generator.report.diagram import Diagram, build_diagram
from generator.report.prices import load_prices
from generator.report.resources import Resources, read_resources


@dataclass
class Report:
    title: str
    reach: Reach
    resources: Resources
    diagram: Diagram
    estimate: Estimate

    @property
    def services(self) -> list[str]:
        return self.diagram.names("service")


def _report(title: str, stacks) -> Report:
    reach = analyse(stacks)
    resources = read_resources(stacks, reach)
    return Report(title, reach, resources, build_diagram(reach, resources, stacks), estimate(resources, load_prices()))


def _templates(directory: str) -> list[str]:
    """The template files ``stacks.json`` lists, or the folder itself when it has no stacks.json."""
    index = os.path.join(directory, "stacks.json")
    if not os.path.exists(index):
        return [directory]
    try:
        with open(index, encoding="utf-8") as handle:
            stacks = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"cannot read stacks.json ({error})", path=index) from None
    if not isinstance(stacks, list) or not all(isinstance(s, dict) and isinstance(s.get("template"), str)
                                               for s in stacks):
        raise InputError("not a list of stacks with a 'template' file each (as `stackprint build` writes it)",
                         path=index)
    files = [os.path.join(directory, s["template"]) for s in stacks]
    for file in files:
        if not os.path.exists(file):
            raise InputError("listed in stacks.json but missing (rebuild with `stackprint build`)", path=file)
    return files


def load_report(directory: str) -> Report:
    """The report of the environment in ``directory`` (e.g. ``out/web-api/prod``)."""
    if not os.path.isdir(directory):
        raise InputError("not a directory (expected an environment such as out/web-api/prod)", path=directory)
    parts = os.path.normpath(os.path.abspath(directory)).split(os.sep)
    title = " / ".join(parts[-2:]) if len(parts) >= 2 else parts[-1]
    return _report(title, from_paths(_templates(directory)))


def report_from_texts(title: str, texts: dict[str, str]) -> Report:
    """The report of templates held in memory (file name -> text), e.g. a build before anything is written."""
    return _report(title, from_texts(texts))
