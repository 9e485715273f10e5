"""What is wrong with a policy file, one line per problem, naming the file and where in it.

A YAML syntax error gives the line and column (`firebreak.yml:12:5: not valid YAML: …`); an unknown key is
named with the nearest known key at its level (`severities.0.respons_target: unknown key; did you mean
'response_target'?`), and the "missing" error its misspelling causes is left out, since it is the same mistake.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

Loc = tuple[int | str, ...]


def yaml_problem(path: Path, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if mark is None or problem is None:
        return f"{path}: not valid YAML: {str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__}"
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and context_mark is not None and context_mark.line != mark.line:
        problem = f"{problem} ({context} at line {context_mark.line + 1})"
    return f"{path}:{mark.line + 1}:{mark.column + 1}: not valid YAML: {problem}"


def validation_problems(path: Path, exc: ValidationError, model: type[BaseModel]) -> list[str]:
    errors = exc.errors(include_url=False, include_input=False)
    unknown = {e["loc"]: _unknown_key(e["loc"], model) for e in errors if e["type"] == "extra_forbidden"}
    # A misspelt required key is also reported missing under its right name: that is the same mistake.
    meant = {(*loc[:-1], suggested) for loc, (suggested, _) in unknown.items() if suggested}
    problems = []
    for error in errors:
        loc = error["loc"]
        if error["type"] == "missing" and loc in meant:
            continue
        said = unknown[loc][1] if loc in unknown else error["msg"]
        problems.append(f"{path}: {'.'.join(str(part) for part in loc) or '(top level)'}: {said}")
    return problems


def _unknown_key(loc: Loc, model: type[BaseModel]) -> tuple[str | None, str]:
    """The known key nearest to the unknown one at `loc` (if any is near), and the words for it."""
    known = _keys_at(model, loc[:-1])
    nearest = difflib.get_close_matches(str(loc[-1]), known, n=1)
    if nearest:
        return nearest[0], f"unknown key; did you mean '{nearest[0]}'?"
    return None, f"unknown key; known keys: {', '.join(known)}" if known else "unknown key"


def _keys_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names of the model found by following `loc` (keys, list indices) down from `model`."""
    annotation: Any = model
    for part in loc:
        annotation = _one_level_down(annotation, part)
    found = _model_in(annotation)
    return list(found.model_fields) if found is not None else []


def _one_level_down(annotation: Any, part: int | str) -> Any:
    found = _model_in(annotation)
    if found is not None:
        field = found.model_fields.get(str(part))
        return field.annotation if field is not None else None
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is list and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model an annotation holds, through `X | None` and `Annotated[X, …]` (not through lists or dicts)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, UnionType, Annotated):
        for arg in get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
