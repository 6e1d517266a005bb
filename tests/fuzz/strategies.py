"""Hypothesis strategies for every input the tool reads: blueprints (from the JSON Schema, plus mutations),
CloudFormation templates (seeded from out/, intrinsics everywhere) and ECS task definitions (seeded from the
migrate corpus), each also as mutated text (tags, duplicate keys, aliases, nesting, unicode).
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import yaml
from hypothesis import strategies as st

from generator.load import load_file

REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO / "schema" / "blueprint.schema.json").read_text())

# --- hostile values ------------------------------------------------------------------------------------------

UNICODE_DIGITS = "\u0663\u06f5\u0967\uff15\U0001d7d9"  # Arabic-Indic, Persian, Devanagari, full-width, math digits


def _nested(depth: int, leaf=1):
    value = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


hostile_scalars = st.one_of(
    st.integers(min_value=-(10 ** 40), max_value=10 ** 40),
    st.integers(min_value=0, max_value=3).map(lambda n: int("9" * (10 ** n))),  # longer ones: "huge" text below
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.none(),
    st.text(max_size=40),
    st.text(alphabet=UNICODE_DIGITS + "0123456789.-", min_size=1, max_size=8),
    st.sampled_from(["", " ", "0", "-1", "1e999", "0x1F", "0o17", "1_000", "12:30:00", "2024-01-01", "yes", "~",
                     "null", "=", "<<", "256 vCPU", "0.25 vCPU", "512", "2 GB", "99999999 GB", "a" * 300,
                     "9" * 400 + " GB", "9" * 400 + " vCPU", "9" * 400, "\u0663 GB", "1.5e308"]),
)

hostile_values = st.one_of(
    hostile_scalars,
    st.integers(min_value=1, max_value=200).map(_nested),
    st.lists(hostile_scalars, max_size=5),
    st.dictionaries(st.text(max_size=10), hostile_scalars, max_size=4),
    st.integers(min_value=100, max_value=3000).map(lambda n: ["x"] * n),  # huge counts
)

# --- values from the JSON Schema -----------------------------------------------------------------------------


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SCHEMA["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def from_schema(schema: dict, depth: int = 0) -> st.SearchStrategy:
    """Values for a (pydantic-generated) JSON Schema: examples and enums first, then types and patterns."""
    schema = _resolve(schema)
    options = []
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if schema.get("examples"):
        options.append(st.sampled_from(schema["examples"]))
    if "anyOf" in schema:
        options.extend(from_schema(s, depth + 1) for s in schema["anyOf"])
        return st.one_of(options)
    kind = schema.get("type")
    if kind == "string":
        if "pattern" in schema:
            options.append(st.from_regex(schema["pattern"], fullmatch=True).filter(lambda s: len(s) < 80))
        else:
            options.append(st.text(min_size=schema.get("minLength", 0), max_size=30))
    elif kind == "integer":
        options.append(st.integers(schema.get("minimum", -5), schema.get("maximum", 70000)))
    elif kind == "number":
        options.append(st.floats(schema.get("minimum", -5), schema.get("maximum", 70000), allow_nan=False))
    elif kind == "boolean":
        options.append(st.booleans())
    elif kind == "null":
        options.append(st.none())
    elif kind == "array":
        options.append(st.lists(from_schema(schema.get("items", {}), depth + 1), min_size=schema.get("minItems", 0),
                                max_size=3))
    elif kind == "object" or "properties" in schema:
        options.append(_object(schema, depth))
    if not options:
        options.append(hostile_scalars)
    return st.one_of(options)


def _object(schema: dict, depth: int) -> st.SearchStrategy:
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    fixed = {k: from_schema(v, depth + 1) for k, v in properties.items() if k in required}
    optional = {k: from_schema(v, depth + 1) for k, v in properties.items() if k not in required and depth < 6}
    base = st.fixed_dictionaries(fixed, optional=optional)
    extra = None
    if isinstance(schema.get("additionalProperties"), dict) and depth < 6:
        names = schema.get("propertyNames", {}).get("pattern")
        keys = st.from_regex(names, fullmatch=True) if names else st.text(min_size=1, max_size=12)
        extra = st.dictionaries(keys.filter(lambda s: len(s) < 30), from_schema(schema["additionalProperties"],
                                                                                depth + 1), max_size=3)
    if extra is None:
        return base
    return st.tuples(base, extra).map(lambda pair: {**pair[1], **pair[0]})


blueprint_data = from_schema(SCHEMA)

# --- mutations of data ---------------------------------------------------------------------------------------


def _paths(data) -> list[tuple]:
    """Every key path in ``data`` (an explicit stack: seeds can be deep)."""
    out, stack = [], [((), data)]
    while stack:
        path, value = stack.pop()
        out.append(path)
        if isinstance(value, dict):
            stack.extend((path + (k,), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((path + (i,), v) for i, v in enumerate(value))
    return sorted(out, key=repr)


def _replace(data, path: tuple, value):
    if not path:
        return value
    data = json.loads(json.dumps(data, default=str))  # a deep copy of plain data
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return data


@st.composite
def mutated(draw, seeds: st.SearchStrategy, values: st.SearchStrategy = hostile_values, max_mutations: int = 3):
    """A seed with up to ``max_mutations`` subtrees replaced by ``values``."""
    data = copy.deepcopy(draw(seeds))  # never change a shared seed
    for _ in range(draw(st.integers(0, max_mutations))):
        paths = _paths(data)
        data = _replace(data, draw(st.sampled_from(paths)), draw(values))
    return data


# --- text ----------------------------------------------------------------------------------------------------

TAGS = ["!!float", "!!int", "!!timestamp", "!!binary", "!!str", "!!bool", "!!null", "!!set", "!!python/none",
        "!Ref", "!GetAtt", "!If", "!Sub", "!Foo", "!"]


def _bomb(levels: int) -> str:
    lines = ["bomb0: &b0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"bomb{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * 10) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def dump_yaml(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True, width=1 << 16)


@st.composite
def mutated_text(draw, text: str) -> str:
    """YAML/JSON text with text-level mutations: tags, duplicated lines, aliases, deep nesting, unicode."""
    lines = text.splitlines() or [""]
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["tag", "duplicate", "delete", "unicode", "indent", "anchor", "huge"]))
        if kind == "tag" and ": " in lines[i]:
            key, _, value = lines[i].partition(": ")
            lines[i] = f"{key}: {draw(st.sampled_from(TAGS))} {value}"
        elif kind == "huge" and ": " in lines[i]:
            key, _, value = lines[i].partition(": ")
            lines[i] = f"{key}: {draw(st.sampled_from(['9' * 5000, '4' * 400, '-' + '1' * 4400]))}" + (
                "," if value.rstrip().endswith(",") else "")
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "delete":
            del lines[i]
            lines = lines or [""]
        elif kind == "unicode":
            j = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:j] + draw(st.text(min_size=1, max_size=3)) + lines[i][j:]
        elif kind == "indent":
            lines[i] = "  " + lines[i]
        elif kind == "anchor" and lines[i].rstrip().endswith(":"):
            lines[i] = lines[i].rstrip() + " &x"
            lines.append("again: *x")
    text = "\n".join(lines) + "\n"
    extra = draw(st.sampled_from(["", "", "", "bomb", "deep", "deepmap"]))
    if extra == "bomb":
        text = _bomb(draw(st.integers(1, 9))) + text
    elif extra == "deep":
        n = draw(st.sampled_from([63, 64, 65, 300, 20_000]))
        text += "deep: " + "[" * n + "]" * n + "\n"
    elif extra == "deepmap":
        n = draw(st.sampled_from([60, 200]))
        text += "".join("  " * d + f"d{d}:\n" for d in range(n)) + "  " * n + "x: 1\n"
    return text


# --- seeds ---------------------------------------------------------------------------------------------------

BLUEPRINT_SEEDS = [load_file(str(p)).data for p in sorted((REPO / "blueprints").glob("*.yaml"))]
TEMPLATE_SEEDS = [load_file(str(p), cfn=True).data for p in sorted((REPO / "out").rglob("*.template.yaml"))][:12]


def _json_or_none(path: Path):
    try:
        return json.loads(path.read_text())
    except ValueError:
        return None  # the corpus keeps some broken inputs on purpose


TASK_SEEDS = [d for d in (_json_or_none(p) for p in sorted((REPO / "tests/migrate/corpus").glob("*/input.json")))
              if d is not None]

blueprints = st.one_of(blueprint_data, mutated(st.sampled_from(BLUEPRINT_SEEDS)), mutated(blueprint_data))


@st.composite
def blueprint_texts(draw) -> str:
    text = dump_yaml(draw(blueprints))
    return draw(mutated_text(text)) if draw(st.booleans()) else text


# Intrinsic functions wrapping any value, in any position of a template.
def _intrinsics(inner: st.SearchStrategy) -> st.SearchStrategy:
    names = st.sampled_from(["Param", "AWS::NoValue", "AWS::Region", "Missing", "SG", ""])
    return st.one_of(
        names.map(lambda n: {"Ref": n}),
        st.tuples(names, inner, inner).map(lambda t: {"Fn::If": list(t)}),
        st.tuples(names, st.sampled_from(["GroupId", "Arn", "DNSName"])).map(lambda t: {"Fn::GetAtt": list(t)}),
        inner.map(lambda v: {"Fn::Sub": v}),
        st.lists(inner, max_size=3).map(lambda v: {"Fn::Join": ["", v]}),
        st.tuples(st.integers(-1, 3), st.lists(inner, max_size=3)).map(lambda t: {"Fn::Select": list(t)}),
        inner.map(lambda v: {"Fn::ImportValue": v}),
        st.tuples(names, names, names).map(lambda t: {"Fn::FindInMap": list(t)}),
        inner.map(lambda v: {"Fn::If": v}),  # malformed
    )


template_values = st.recursive(hostile_scalars, _intrinsics, max_leaves=6)


@st.composite
def templates(draw):
    seed = draw(st.sampled_from(TEMPLATE_SEEDS))
    data = draw(mutated(st.just(seed), st.one_of(template_values, hostile_values), max_mutations=4))
    if isinstance(data, dict) and isinstance(data.get("Parameters"), dict) and draw(st.booleans()):
        for name in list(data["Parameters"])[:3]:
            data["Parameters"][name] = {"Type": "String", "Default": draw(template_values)}
    return data


@st.composite
def template_texts(draw) -> str:
    data = draw(templates())
    form = draw(st.sampled_from(["json", "yaml", "yaml-mutated"]))
    if form == "json":
        return json.dumps(data, default=str)
    text = dump_yaml(data)
    return draw(mutated_text(text)) if form == "yaml-mutated" else text


@st.composite
def task_texts(draw) -> str:
    data = draw(mutated(st.sampled_from(TASK_SEEDS), max_mutations=4))
    text = json.dumps(data, default=str, indent=draw(st.sampled_from([None, 2])))
    if draw(st.integers(0, 4)) == 0:
        text = draw(mutated_text(text))
    return text
