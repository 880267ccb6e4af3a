"""A small XML element tree that remembers the line of every element.

ElementTree forgets line numbers, and an import error must name the line. This builds a tree
with ``xml.sax`` (external entities are off by default in Python) and refuses any document
type declaration outright: a question file never needs one, and refusing it shuts out entity
expansion attacks.
"""

from __future__ import annotations

import io
import re
import xml.sax
from dataclasses import dataclass, field
from xml.sax.handler import ContentHandler, feature_external_ges, feature_external_pes

_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(r"^(\s*<\?xml[^>]*encoding=[\"'])[^\"']*([\"'])")


class XmlError(Exception):
    """A document that is not well-formed XML (or declares a DTD)."""

    def __init__(self, problem: str, line: int | None):
        super().__init__(problem)
        self.problem, self.line = problem, line


@dataclass
class Element:
    """One element: tag, attributes, line, children and its own character data."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Element] = field(default_factory=list)
    chunks: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The character data directly inside this element (CDATA included)."""
        return "".join(self.chunks)

    def find(self, tag: str) -> Element | None:
        """The first child called ``tag``."""
        return next((child for child in self.children if child.tag == tag), None)

    def findall(self, tag: str) -> list[Element]:
        """Every child called ``tag``."""
        return [child for child in self.children if child.tag == tag]

    def value(self, tag: str, default: str = "") -> str:
        """The stripped character data of child ``tag``."""
        child = self.find(tag)
        return child.text.strip() if child is not None else default

    def text_of(self, tag: str) -> str | None:
        """The ``<text>`` inside child ``tag`` (Moodle's text wrapper), or None."""
        child = self.find(tag)
        if child is None:
            return None
        inner = child.find("text")
        return (inner.text if inner is not None else child.text).strip()

    def walk(self):
        """This element and all below it."""
        yield self
        for child in self.children:
            yield from child.walk()


class _Builder(ContentHandler):
    def __init__(self):
        super().__init__()
        self.root: Element | None = None
        self.stack: list[Element] = []
        self.locator = None

    def setDocumentLocator(self, locator):  # noqa: N802 (SAX API name)
        """Keep the locator: it tells the line of each element."""
        self.locator = locator

    def startElement(self, name, attrs):  # noqa: N802
        """Open an element under the current one."""
        element = Element(name, dict(attrs), self.locator.getLineNumber())
        if self.stack:
            self.stack[-1].children.append(element)
        else:
            self.root = element
        self.stack.append(element)

    def endElement(self, name):  # noqa: N802
        """Close the current element."""
        self.stack.pop()

    def characters(self, content):
        """Character data (CDATA included) of the current element."""
        if self.stack:
            self.stack[-1].chunks.append(content)


def parse_xml(data: bytes | str) -> Element:
    """The element tree of ``data``; raises XmlError with the line of the problem.

    Bytes are decoded as their XML declaration says; a str is taken as already decoded.
    """
    if isinstance(data, str):
        data = _DECLARED_ENCODING.sub(r"\1UTF-8\2", data, count=1).encode("utf-8")
    match = _DOCTYPE.search(data)
    if match:
        raise XmlError("document type declarations are not allowed",
                       data.count(b"\n", 0, match.start()) + 1)
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, False)
    parser.setFeature(feature_external_pes, False)
    builder = _Builder()
    parser.setContentHandler(builder)
    try:
        parser.parse(io.BytesIO(data))
    except xml.sax.SAXParseException as error:
        raise XmlError(error.getMessage(), error.getLineNumber()) from None
    if builder.root is None:
        raise XmlError("no root element", 1)
    return builder.root
