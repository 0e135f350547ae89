"""XML read with a hardened parser: entity declarations, DTDs and external references are
refused (defusedxml) before anything is expanded or fetched, and encodings expat cannot read
(GBK, Big5, Shift_JIS…) are transcoded to UTF-8 first. Used by the FDX reader and the .epub
reader, each with its own error class and hint."""

from __future__ import annotations

import re
import xml.etree.ElementTree as stdlib_et

import defusedxml
import defusedxml.ElementTree as safe_et

from ..errors import DramalensError, ParseError

__all__ = ["parse_xml", "to_expat_encoding"]

_DECLARATION = re.compile(rb"""^(\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# Encodings expat reads itself; others (GBK, Big5, Shift_JIS...) are transcoded to UTF-8 first.
_EXPAT_NATIVE = {"utf8", "utf-8", "utf-16", "utf16", "iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"}


def to_expat_encoding(data: bytes, name: str) -> bytes:
    """``data`` with an XML declaration expat can honour: encodings it does not read are
    transcoded to UTF-8 and the declaration rewritten (``name`` names the file in errors).

    >>> to_expat_encoding('<?xml version="1.0" encoding="GBK"?><a>林</a>'.encode("gbk"), "x").decode("utf-8")
    '<?xml version="1.0" encoding="UTF-8"?><a>林</a>'
    """
    m = _DECLARATION.match(data[:300])
    if not m:
        return data
    declared = m.group(2).decode("ascii").lower()
    if declared.startswith(("utf-16", "utf16")) and b"\x00" not in data[:200]:
        declared = "utf-8"  # text already decoded and re-encoded as UTF-8 (parse_text) keeps its old label
        text = data.decode("utf-8", errors="strict") if _is_utf8(data) else None
        if text is None:
            raise ParseError("the XML declares UTF-16 but is not", source=name, hint="re-export the file as UTF-8")
        return re.sub(r"""encoding\s*=\s*["'][^"']*["']""", 'encoding="UTF-8"', text, count=1).encode("utf-8")
    if declared in _EXPAT_NATIVE:
        return data
    try:
        text = data.decode(declared)
    except LookupError as exc:
        raise ParseError(f"the XML declares an unknown encoding {declared!r}", source=name, hint="re-export the file as UTF-8") from exc
    except UnicodeDecodeError as exc:
        if declared.replace("-", "").replace("_", "") in {"utf16le", "utf16be", "utf32"}:
            raise ParseError(f"the XML is not valid {declared}", source=name, hint="re-export the file as UTF-8") from exc
        try:  # a UTF-8 file with a wrong declaration (text passed through parse_text)
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError(
                f"the XML declares {declared} but byte {exc.start} is not valid in it", source=name, hint="re-export the file as UTF-8"
            ) from exc
    start = text.find("encoding")
    head, rest = text[:start], text[start:]
    rest = re.sub(r"""^encoding\s*=\s*["'][^"']*["']""", 'encoding="UTF-8"', rest, count=1)
    return (head + rest).lstrip("\ufeff").encode("utf-8")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def parse_xml(data: bytes, *, source: str, member: str | None = None, error: type[DramalensError] = ParseError,
              hint: str = "the file is damaged or not finished; re-export it") -> stdlib_et.Element:
    """Parse XML with entity declarations and external references forbidden.

    ``member`` names the part of a container (an .epub's ``content.opf``) in messages;
    ``error`` is the class raised (a script's reader says ParseError, an e-book's InputError);
    ``hint`` is what to do when the XML is damaged.

    >>> parse_xml(b"<a><b/></a>", source="x").tag
    'a'
    """
    where = f" in {member}" if member else ""
    try:
        return safe_et.fromstring(data)
    except defusedxml.DefusedXmlException as exc:
        raise error(
            f"refused: the XML{where} {_defused_reason(exc)}",
            source=source,
            hint="a script or an e-book never needs these; the file may be hostile. Re-export it from the app that made it",
        ) from exc
    except stdlib_et.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        reason = str(exc).split(":")[0]
        raise error(f"malformed XML{where} at line {line}, column {column + 1}: {reason}", source=source, hint=hint) from exc
    except (ValueError, LookupError, RecursionError, MemoryError) as exc:
        raise error(f"cannot read the XML{where}: {exc}", source=source, hint=hint) from exc


def _defused_reason(exc: Exception) -> str:
    kind = type(exc).__name__
    if kind == "EntitiesForbidden":
        return "declares entities (an entity-expansion / billion-laughs attack is possible)"
    if kind == "DTDForbidden":
        return "contains a DTD"
    if kind == "ExternalReferenceForbidden":
        return "references an external resource"
    return f"uses a forbidden XML feature ({kind})"

