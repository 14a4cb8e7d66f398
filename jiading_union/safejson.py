"""Parsing JSON from outside (command-line facts, later API payloads and import files) with a size
cap and a nesting cap.

The standard parser recurses once per nesting level, so ``[[[[…]]]]`` 20,000 deep ends in a
RecursionError (a traceback, not a message). ``loads`` measures the depth first with a loop over
the brackets outside strings — no recursion — and refuses before parsing. Every refusal is a
ValueError with a Chinese message; JSON syntax errors say where (line and column).
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 32

TOO_LARGE = "JSON 超过 {limit} 字节，未予解析。"
TOO_DEEP = "JSON 嵌套超过 {limit} 层，未予解析。"
INVALID = "JSON 格式有误（第 {line} 行第 {column} 列）。"
UNPARSABLE = "JSON 无法解析（例如数字位数过多）。"
NOT_TEXT = "JSON 须为 UTF-8 文本。"

# Brackets, quotes and backslashes: the only characters the depth scan has to look at.
_SPECIAL = re.compile(r'[\[\]{}"\\]')


def depth(text: str) -> int:
    """The deepest nesting of arrays/objects in ``text``, ignoring brackets inside strings.
    Iterative; meaningful for well-formed JSON (for malformed JSON the parser reports the error)."""
    deepest = level = 0
    in_string = False
    skip_to = -1  # the character after a backslash inside a string is escaped
    for match in _SPECIAL.finditer(text):
        at = match.start()
        if at < skip_to:
            continue
        char = match.group()
        if in_string:
            if char == "\\":
                skip_to = at + 2
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            level += 1
            deepest = max(deepest, level)
        elif char in "]}":
            level -= 1
    return deepest


def loads(data: str | bytes, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH, **kwargs: Any) -> Any:
    """json.loads with a byte cap and a depth cap (keyword arguments such as parse_float pass through).
    Raises ValueError with a Chinese message."""
    if isinstance(data, bytes | bytearray):
        if len(data) > max_bytes:
            raise ValueError(TOO_LARGE.format(limit=f"{max_bytes:,}"))
        try:
            text = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError(NOT_TEXT) from None
    else:
        text = data
        # A character is at least one byte: only encode when the length alone does not decide.
        if len(text) > max_bytes or (
            len(text) * 4 > max_bytes and len(text.encode("utf-8", "surrogatepass")) > max_bytes
        ):
            raise ValueError(TOO_LARGE.format(limit=f"{max_bytes:,}"))
    if depth(text) > max_depth:
        raise ValueError(TOO_DEEP.format(limit=max_depth))
    try:
        return json.loads(text, **kwargs)
    except json.JSONDecodeError as exc:
        raise ValueError(INVALID.format(line=exc.lineno, column=exc.colno)) from None
    except (ValueError, RecursionError):
        raise ValueError(UNPARSABLE) from None
