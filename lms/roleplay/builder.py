"""The rubric builder: turns the builder page's flat form fields into a rubric and back.

Field names: ``key``, ``name_zh``, ``name_en``, ``description_zh``, ``description_en`` and, for
criterion i and level j, ``c{i}_key``, ``c{i}_zh``, ``c{i}_en``, ``c{i}_l{j}_points``,
``c{i}_l{j}_zh``, ``c{i}_l{j}_en``, and the checkbox ``c{i}_gate`` for a gate criterion.
Rows left wholly blank are ignored (the page offers spare rows), so a trainer only fills what
they need. Problems found by
``lms.roleplay.rubric.validate_rubric`` are mapped back to the field they concern, so the page
shows each message beside its field.
"""

from dataclasses import dataclass, field

from lms.roleplay.rubric import validate_rubric

MAX_CRITERIA = 12
MAX_LEVELS = 6


@dataclass
class BuilderResult:
    """The rubric data read from the form, and problems keyed by form field name."""

    data: dict
    errors: dict[str, list[dict]] = field(default_factory=dict)


def _text(form, prefix: str) -> dict | None:
    zh, en = form.get(f"{prefix}_zh", "").strip(), form.get(f"{prefix}_en", "").strip()
    return {"zh": zh, "en": en} if zh or en else None


def _points(raw: str):
    try:
        value = float(raw)
    except ValueError:
        return raw  # validate_rubric names it as invalid points
    return int(value) if value.is_integer() else value


def _levels(form, i: int) -> tuple[list, list[int]]:
    levels, where = [], []
    for j in range(MAX_LEVELS):
        points = form.get(f"c{i}_l{j}_points", "").strip()
        definition = _text(form, f"c{i}_l{j}")
        if not points and definition is None:
            continue
        levels.append({"points": _points(points) if points else None,
                       "definition": definition})
        where.append(j)
    return levels, where


def read_rubric_form(form) -> tuple[dict, dict]:
    """(rubric data, index map) from the builder's fields; blank rows are skipped.

    The index map takes ("criteria", compact i) and ("levels", i, compact j) to the row
    numbers on the page.
    """
    data = {"key": form.get("key", "").strip(), "name": _text(form, "name") or {},
            "criteria": []}
    description = _text(form, "description")
    if description:
        data["description"] = description
    index_map: dict = {}
    for i in range(MAX_CRITERIA):
        key = form.get(f"c{i}_key", "").strip()
        description = _text(form, f"c{i}")
        levels, where = _levels(form, i)
        if not key and description is None and not levels:
            continue
        compact = len(data["criteria"])
        index_map[("criteria", compact)] = i
        for cj, j in enumerate(where):
            index_map[("levels", i, cj)] = j
        criterion = {"key": key, "description": description, "levels": levels}
        if form.get(f"c{i}_gate"):
            criterion["gate"] = True
        data["criteria"].append(criterion)
    return data, index_map


def _field_for(location: tuple, index_map: dict) -> str:
    """The form field name a validation problem belongs to."""
    if not location:
        return "key"
    head = location[0]
    if head in ("key",):
        return "key"
    if head in ("name", "description"):
        return f"{head}_{location[1]}" if len(location) > 1 else f"{head}_zh"
    if head != "criteria" or len(location) < 2:
        return "criteria"
    i = index_map.get(("criteria", location[1]), location[1])
    rest = location[2:]
    if not rest:
        return f"c{i}_key"
    if rest[0] == "key":
        return f"c{i}_key"
    if rest[0] == "description":
        return f"c{i}_{rest[1]}" if len(rest) > 1 else f"c{i}_zh"
    if rest[0] == "levels" and len(rest) > 1:
        j = index_map.get(("levels", i, rest[1]), rest[1])
        if len(rest) > 2 and rest[2] == "points":
            return f"c{i}_l{j}_points"
        if len(rest) > 3:
            return f"c{i}_l{j}_{rest[3]}"
        return f"c{i}_l{j}_zh"
    return f"c{i}_levels"


def check_rubric_form(form, taken_keys: set[str]) -> BuilderResult:
    """Read and validate the builder's fields; errors are keyed by field name."""
    data, index_map = read_rubric_form(form)
    result = BuilderResult(data)
    for problem in validate_rubric(data):
        name = _field_for(problem.location, index_map)
        result.errors.setdefault(name, []).append(problem.message)
    if data["key"] in taken_keys:
        result.errors.setdefault("key", []).append({
            "zh": f"评分表标识 {data['key']} 已被使用，请换一个。",
            "en": f"The rubric key {data['key']} is already used; choose another."})
    return result


def form_values(data: dict) -> dict:
    """The builder's field values for an existing rubric (to copy it as a starting point)."""
    values = {"key": data.get("key", "")}
    for part in ("name", "description"):
        for lang in ("zh", "en"):
            values[f"{part}_{lang}"] = (data.get(part) or {}).get(lang, "")
    for i, criterion in enumerate(data.get("criteria", [])[:MAX_CRITERIA]):
        values[f"c{i}_key"] = criterion["key"]
        if criterion.get("gate"):
            values[f"c{i}_gate"] = "1"
        for lang in ("zh", "en"):
            values[f"c{i}_{lang}"] = criterion["description"][lang]
        for j, level in enumerate(criterion["levels"][:MAX_LEVELS]):
            values[f"c{i}_l{j}_points"] = f"{level['points']:g}"
            for lang in ("zh", "en"):
                values[f"c{i}_l{j}_{lang}"] = level["definition"][lang]
    return values
