"""The JSON Schema of the blueprint language, generated from the models so it can never drift from them.

pydantic writes the schema of the base; this module adds what pydantic cannot know: the overlay form of every
section (nothing required, ``null`` removes a key) for ``environments:``, and the top-level metadata. The result is
serialised with sorted keys so the committed ``schema/blueprint.schema.json`` is stable to the byte.
"""
from __future__ import annotations

import copy
import json
from typing import Any

from generator.model.base import ENV_PATTERN
from generator.model.blueprint import BlueprintFile

SCHEMA_ID = "https://stackprint.dev/schema/blueprint.schema.json"
OVERLAY = "Overlay"
#: Keys an overlay may not set (see generator.model.loader).
_NOT_IN_OVERLAY = ("name", "environments")


def _overlay_refs(node: Any) -> Any:
    """Point every ``$ref`` at the overlay variant of its definition."""
    if isinstance(node, dict):
        out = {k: _overlay_refs(v) for k, v in node.items()}
        if isinstance(out.get("$ref"), str) and out["$ref"].startswith("#/$defs/"):
            out["$ref"] += OVERLAY
        return out
    if isinstance(node, list):
        return [_overlay_refs(v) for v in node]
    return node


def _nullable(prop: dict) -> dict:
    """A property that may also be null (an overlay's way to remove the key), keeping its help text on top."""
    if any(option.get("type") == "null" for option in prop.get("anyOf", [])):
        return prop
    outer = {k: prop[k] for k in ("title", "description") if k in prop}
    inner = {k: v for k, v in prop.items() if k not in ("title", "description", "default")}
    return {**outer, "anyOf": [inner, {"type": "null"}]}


def _closed_name_maps(node: Any) -> Any:
    """Maps keyed by names (services, load balancers) list their name pattern in ``patternProperties``; close them
    so an editor flags a name the loader would reject."""
    if isinstance(node, dict):
        out = {k: _closed_name_maps(v) for k, v in node.items()}
        if "patternProperties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_closed_name_maps(v) for v in node]
    return node


def _overlay_of(definition: dict) -> dict:
    """The overlay variant of an object schema: every key optional, every key nullable, refs to overlays."""
    out = _overlay_refs(copy.deepcopy(definition))
    out.pop("required", None)
    if "properties" in out:
        out["properties"] = {k: _nullable(v) for k, v in out["properties"].items()}
    return out


def build_schema() -> dict:
    """The blueprint JSON Schema (draft 2020-12) as a dict."""
    schema = _closed_name_maps(BlueprintFile.model_json_schema(mode="validation"))
    defs = schema.setdefault("$defs", {})
    for name in list(defs):
        defs[name + OVERLAY] = _overlay_of(defs[name])
    root_overlay = _overlay_of({k: v for k, v in schema.items() if k not in ("$defs", "title", "description")})
    for key in _NOT_IN_OVERLAY:
        root_overlay["properties"].pop(key, None)
    root_overlay["title"] = "Environment overlay"
    root_overlay["description"] = ("Deep-merged over the base: mappings merge, lists and scalars replace, null "
                                   "removes a key. May change existing services, load balancers and databases, never add "
                                   "one.")
    defs["Blueprint" + OVERLAY] = root_overlay
    schema["properties"]["environments"] = {
        "title": "Environments",
        "description": schema["properties"]["environments"]["description"],
        "type": "object",
        "propertyNames": {"pattern": ENV_PATTERN},
        "additionalProperties": {"$ref": "#/$defs/Blueprint" + OVERLAY},
        "examples": schema["properties"]["environments"].get("examples", []),
    }
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "stackprint blueprint"
    schema["description"] = ("A stackprint blueprint: an AWS VPC with load balancers and ECS Fargate services, "
                             "compiled into CloudFormation by `stackprint build`.")
    return schema


def schema_text() -> str:
    """The schema as committed: sorted keys, 2-space indent, trailing newline."""
    return json.dumps(build_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
