"""How long a build of the example blueprints takes, per stage, and how big the templates are.

Run: .venv/bin/python bench/build.py   (prints figures; asserts nothing)
"""
from __future__ import annotations

import os
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    os.chdir(REPO)
    started = time.perf_counter()
    from generator.compile import blueprint_paths, render
    from generator.lint import gate
    from generator.model import load_blueprint
    from generator.plan import plan
    imported = time.perf_counter()

    load_s = plan_s = render_s = 0.0
    rendered: dict[str, str] = {}
    for path in blueprint_paths(()):
        t0 = time.perf_counter()
        models = load_blueprint(path)
        t1 = time.perf_counter()
        layouts = [plan(bp) for bp in models.values()]
        t2 = time.perf_counter()
        for layout in layouts:
            environment = render(layout, path)
            rendered.update({f"{environment.directory}/{n}": d.decode() for n, d in environment.files.items()
                             if n.endswith(".template.yaml")})
        t3 = time.perf_counter()
        load_s, plan_s, render_s = load_s + t1 - t0, plan_s + t2 - t1, render_s + t3 - t2
    t4 = time.perf_counter()
    findings = gate(rendered)
    lint_s = time.perf_counter() - t4
    sizes = sorted((len(text.encode()), path) for path, text in rendered.items())
    print(f"imports            {imported - started:7.2f} s")
    print(f"load+validate      {load_s:7.2f} s")
    print(f"plan               {plan_s:7.3f} s")
    print(f"emit+render        {render_s:7.2f} s   ({len(rendered)} templates)")
    print(f"cfn-lint gate      {lint_s:7.2f} s   ({lint_s / len(rendered):.2f} s/template, {len(findings)} findings)")
    print(f"largest template   {sizes[-1][0]:7,d} B   {sizes[-1][1]}  (inline limit 51,200 B)")
    print(f"smallest template  {sizes[0][0]:7,d} B   {sizes[0][1]}")


if __name__ == "__main__":
    main()
