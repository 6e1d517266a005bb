"""Windows task definitions: Fargate must be told the operating system, and Windows has its own task sizes.

A task definition without ``runtimePlatform`` registers as Linux, so a Windows task (known from its
``runtimePlatform``, a ``platformFamily`` field copied from a task description, or Windows container images) gets
``runtimePlatform`` set explicitly. Fargate runs Windows tasks only with 1, 2 or 4 vCPU and at least 2 GB
(the "Windows containers on Fargate" task size table of the ECS developer guide): :data:`WINDOWS_FLOOR` and
:data:`WINDOWS_LARGEST_CPU` are applied by the task size rule.
"""
from __future__ import annotations

import re

from generator.migrate.report import Report, show

#: The smallest Windows task on Fargate: 1 vCPU with 2 GB.
WINDOWS_FLOOR = (1024, 2048)
#: The largest Windows task cpu on Fargate (4 vCPU, up to 30 GB).
WINDOWS_LARGEST_CPU = 4096
#: Windows families ECS knows that Fargate does not run (EC2 only).
NOT_ON_FARGATE = ("WINDOWS_SERVER_2016_FULL", "WINDOWS_SERVER_2004_CORE", "WINDOWS_SERVER_20H2_CORE")
#: Images that are Windows images: Microsoft's Windows base images and .NET Framework images built on them.
_WINDOWS_IMAGE = re.compile(r"(^|/)(windows|windows/servercore|windows/server|windows/nanoserver|dotnet/framework)"
                            r"([/:@]|$)|servercore|nanoserver", re.ASCII | re.IGNORECASE)


def _evidence(td: dict) -> str | None:
    """Why this task is a Windows task, or None when nothing says so."""
    family = (td.get("runtimePlatform") or {}).get("operatingSystemFamily")
    if isinstance(family, str) and family.upper().startswith("WINDOWS"):
        return f"runtimePlatform.operatingSystemFamily is {family}"
    platform = td.get("platformFamily")
    if isinstance(platform, str) and "windows" in platform.lower():
        return f"platformFamily is {show(platform)}"
    for i, container in enumerate(td["containerDefinitions"]):
        if _WINDOWS_IMAGE.search(container["image"]):
            return f"containerDefinitions[{i}] ({container['name']}) runs the Windows image {container['image']}"
    return None


def _family_for(images: list[str]) -> str:
    """The Windows Server family the images were built for: 2022 if a tag says so, else 2019; Core unless Full."""
    text = " ".join(images).lower()
    version = "2022" if re.search(r"ltsc2022|2022", text) else "2019"
    edition = "FULL" if re.search(r"windows/server(?!core)|windows:", text) and "servercore" not in text else "CORE"
    return f"WINDOWS_SERVER_{version}_{edition}"


def apply(td: dict, report: Report) -> bool:
    """Set ``runtimePlatform`` for a Windows task (refuse a Windows version Fargate lacks); True for Windows."""
    evidence = _evidence(td)
    if "platformFamily" in td:  # a task description's field, not a register-task-definition parameter
        value = td.pop("platformFamily")
        report.add("removed", ("platformFamily",), f"{show(value)}: register-task-definition does not take it "
                                                   f"(the platform is runtimePlatform.operatingSystemFamily)")
    if evidence is None:
        return False
    runtime = td.get("runtimePlatform")
    family = (runtime or {}).get("operatingSystemFamily")
    if isinstance(family, str) and family.upper().startswith("WINDOWS"):
        if family in NOT_ON_FARGATE:
            report.refuse(("runtimePlatform", "operatingSystemFamily"),
                          f"{family} is not available on Fargate (Windows Server 2019 or later: rebuild the images "
                          f"on a newer Windows base, or keep this task on EC2)")
        return True
    chosen = _family_for([c["image"] for c in td["containerDefinitions"]])
    new = dict(runtime or {})
    new.setdefault("cpuArchitecture", "X86_64")
    new["operatingSystemFamily"] = chosen
    td["runtimePlatform"] = new
    report.add("warning" if runtime else "added", ("runtimePlatform",),
               f"{show(new)}: a Windows task ({evidence}); without runtimePlatform it would register as Linux. "
               f"{chosen} was chosen from the image tags: check it matches the images' Windows version")
    return True
