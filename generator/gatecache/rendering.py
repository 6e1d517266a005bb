"""Cached YAML emission: a stack's template text from its JSON form, without running the YAML emitter again.

troposphere writes a template's YAML as ``cfn_flip.to_yaml(template.to_json())``: a pure function of the JSON text,
and the most expensive step of rendering (PyYAML's pure-Python emitter: about half of a 50-service render). The
JSON is cheap to produce (C json), so the YAML is stored in the cache under the sha256 of the JSON, the versions of
the two libraries that turn one into the other, and the code key; a rebuild after one service changed emits one
template's YAML instead of all of them. A miss, or no cache at all, emits it exactly as troposphere would.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import metadata

from generator.gatecache.keys import environment_key, key_of, text_digest
from generator.gatecache.store import Store

YAML_KIND = "yaml"


@lru_cache(maxsize=None)
def _emitters() -> dict[str, str]:
    found = {}
    for name in ("cfn-flip", "PyYAML", "troposphere"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:  # pragma: no cover - dependencies of stackprint
            found[name] = "absent"
    return found


def template_yaml(template, store: Store | None) -> str:
    """``template.to_yaml()``, answered from ``store`` when the same JSON was emitted before."""
    import cfn_flip

    json_text = template.to_json()  # what troposphere's to_yaml converts (same arguments, same text)
    if store is None:
        return cfn_flip.to_yaml(json_text, clean_up=False, long_form=False)
    key = key_of({"json": text_digest(json_text), "emitters": _emitters(), "code": environment_key()})
    cached = store.get(YAML_KIND, key)
    if isinstance(cached, str):
        return cached
    text = cfn_flip.to_yaml(json_text, clean_up=False, long_form=False)
    store.put(YAML_KIND, key, text)
    return text
