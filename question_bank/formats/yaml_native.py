"""The native YAML bank format: load with line numbers, dump canonically.

Loading composes the YAML node tree first so every field's line is known; a mistake is then
reported as ``service_standards.yaml:42: ss-targets-001: options[1].fraction: ...``. Duplicate
mapping keys (which PyYAML would silently merge) are errors. Booleans are YAML 1.2's
``true``/``false`` only, so ``en: No`` is the English word, not False. The text is composed by
``scenarios.safe_yaml.BoundedLoader``: nesting deeper than 50 levels, alias bombs and cyclic
aliases are refused on their line before anything walks the tree.

Dumping writes the documented field order, Chinese and English side by side, and omits
defaults; ``load(dump(questions)) == questions`` for any valid questions.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from question_bank.datafields import Reader
from question_bank.issues import ImportResult, Issue, issue, result_from
from question_bank.model import Curriculum, Question
from question_bank.native import bank_to_data, read_bank_data
from question_bank.validation import duplicate_keys, question_issues
from scenarios.safe_yaml import BoundedLoader, YamlLimitError

_BOOL_TAG = "tag:yaml.org,2002:bool"


class BankLoader(BoundedLoader):
    """The bounded SafeLoader with YAML 1.2 booleans (true/false only)."""


BankLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
BankLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def parse_yaml(text: str) -> tuple[Any, dict[str, int], list[Issue]]:
    """``(data, field path -> line, issues)`` for a YAML document."""
    try:
        loader = BankLoader(text)
    except yaml.reader.ReaderError as error:  # a character YAML does not allow
        line = text.count("\n", 0, error.position) + 1
        return None, {}, [issue("yaml.syntax", line=line, problem=str(error).split("\n")[0])]
    try:
        node = loader.get_single_node()
    except YamlLimitError as error:
        return None, {}, [issue(f"yaml.{error.code}", line=error.line, limit=error.limit)]
    except yaml.YAMLError as error:
        return None, {}, [_syntax_issue(error)]
    finally:
        loader.dispose()
    if node is None:
        return None, {}, [issue("file.empty")]
    builder = _Builder(loader)
    data = builder.build(node, "")
    return data, builder.lines, builder.issues


def _syntax_issue(error: yaml.YAMLError) -> Issue:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    context, start = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and start and mark and start.line != mark.line:
        problem += f" ({context} that starts on line {start.line + 1})"
    return issue("yaml.syntax", line=mark.line + 1 if mark else None, problem=problem)


class _Builder:
    """Turns YAML nodes into plain data, remembering each path's line.

    The recursion is as deep as the document, which ``BankLoader`` bounds (no cycles either).
    """

    def __init__(self, loader: BankLoader):
        self.loader = loader
        self.lines: dict[str, int] = {}
        self.issues: list[Issue] = []

    def build(self, node: yaml.Node, path: str) -> Any:
        """Plain data for ``node`` found at field path ``path``."""
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                child_path = f"{path}[{index}]"
                self.lines[child_path] = child.start_mark.line + 1
                items.append(self.build(child, child_path))
            return items
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            self.issues.append(issue("yaml.syntax", line=node.start_mark.line + 1,
                                     problem=getattr(error, "problem", str(error))))
            return None

    def _mapping(self, node: yaml.MappingNode, path: str) -> dict:
        result: dict = {}
        try:
            self.loader.flatten_mapping(node)  # resolves "<<" merge keys
        except yaml.MarkedYAMLError as error:  # "<<: 3": a merge of something not a mapping
            self.issues.append(_syntax_issue(error))
            return result
        for key_node, value_node in node.value:
            name = self.build(key_node, path)
            if not isinstance(name, str | int) or isinstance(name, bool):
                name = str(name)
            child_path = f"{path}.{name}" if path else str(name)
            line = key_node.start_mark.line + 1
            if name in result:
                self.issues.append(issue("yaml.duplicate_key", line=line, field=child_path,
                                         name=name))
                continue
            self.lines[child_path] = line
            result[name] = self.build(value_node, child_path)
        return result


def read_yaml(text: str, file: str | None = None, *, shipped: bool = True,
              bilingual: bool | None = None) -> ImportResult:
    """Questions of one bank text, or every problem with its line; never part of a file.

    ``shipped=False`` relaxes the shipped-bank rules for a trainer's upload (see
    ``validation.validate_questions``).
    """
    data, lines, problems = parse_yaml(text)
    if data is None:
        return result_from([], problems, file=file)
    reader = Reader(lines)
    questions = read_bank_data(data, reader, curriculum_required=shipped)
    problems += reader.issues
    reported = {(item.key, item.field) for item in reader.issues}
    for index, question in enumerate(questions):
        place = Reader(lines, f"questions[{index}]")
        problems += [item.located(line=place.line_of(item.field or ""))
                     for item in question_issues(question, shipped=shipped, bilingual=bilingual)
                     if not _already_reported(item, reported)]
    problems += duplicate_keys((file, lines.get(f"questions[{index}].key"), question)
                               for index, question in enumerate(questions))
    return result_from(questions, problems, file=file)


def _already_reported(found: Issue, reported: set[tuple[str | None, str | None]]) -> bool:
    # The reader already explained this field (e.g. "quote this text"); the type check would
    # only repeat it in other words ("text missing").
    field = found.field or ""
    return any(key == found.key and (field.startswith(other or "") or
                                     (other or "").startswith(field))
               for key, other in reported if other)


def load_file(path: str | Path, **options: Any) -> ImportResult:
    """``read_yaml`` of a file, reporting a file that is not UTF-8."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return result_from([], [issue("file.encoding")], file=path.name)
    return read_yaml(text, path.name, **options)


def dump_yaml(questions: list[Question] | tuple[Question, ...],
              curriculum: Curriculum | None = None, category: str | None = None) -> str:
    """The bank text for ``questions`` in the documented field order."""
    data = bank_to_data(questions, curriculum, category)
    for entry in data["questions"]:
        if "tags" in entry:
            entry["tags"] = _FlowList(entry["tags"])
    return yaml.dump(data, Dumper=_BankDumper, allow_unicode=True, sort_keys=False,
                     width=100, default_flow_style=False)


class _BankDumper(yaml.SafeDumper):
    """Writes tags as a flow list and leaves everything else in block style."""

    def ignore_aliases(self, data: Any) -> bool:
        """Never write anchors: each question stands alone in the file."""
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line texts as literal blocks: readable, and no trailing-space surprises.
    if "\n" in value and not value.endswith((" ", "\n")) and "\r" not in value \
            and not any(line != line.rstrip() for line in value.split("\n")):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


class _FlowList(list):
    """A list written inline: ``tags: [targets, urgent]``."""


_BankDumper.add_representer(str, _represent_str)
_BankDumper.add_representer(
    _FlowList, lambda dumper, value: dumper.represent_sequence(
        "tag:yaml.org,2002:seq", list(value), flow_style=True))
