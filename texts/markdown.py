"""Teams markdown: what users and admins supply is shown as text, never as formatting.

Teams renders a message's text and an Adaptive Card's TextBlocks and FactSets as markdown
(CommonMark's inline syntax: **bold**, _italics_, `code`, [links](…), and some HTML such
as `<at>` mentions). An agenda point "[Log in here](https://…) **URGENT**", a holder's
name or a channel's name would be rendered as a live link or as formatting if put into
such a text as it is. `escape` makes any string literal text; the bot's own formatting
and links (`mailto`) are put around escaped values, never inside them.

Only markdown contexts need it: button titles, input labels and choices are plain text.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

# Characters that open inline syntax anywhere: emphasis, code, links and images, HTML
# (mentions), tables, strikethrough, the backslash itself, and an `&` that starts an
# entity (`&amp;` shows as typed; a lone `&`, as in "F&U", needs nothing).
_INLINE = re.compile(r"([\\`*_\[\]<>|~]|&(?=#?[0-9A-Za-z]+;))")
# Line breaks (a user's text is one line where the bot shows it: a paragraph, a list
# item or a fact). Leading blanks would make an indented code block, and trailing ones
# keep the bot's own emphasis around the text (`_{example}_`) from closing: both go.
_BREAKS = re.compile(r"[\r\n\x0b\x0c\x85\u2028\u2029]+")
# What opens a block at the start of a line: a heading, a quote, a list item, a
# setext underline, an ordered list item ("1." or "1)").
_BLOCK_START = re.compile(r"^([#>+=-]|\d{1,9}(?=[.)]))")
_NEEDS_WORK = re.compile(
    r"[\\`*_\[\]<>&|~\r\n\x0b\x0c\x85\u2028\u2029]|^\s|\s$|^[#>+=-]|^\d+[.)]"
)


def escape(text: str) -> str:
    """`text` as literal text in Teams markdown: no link, mention, emphasis, code or block
    of its own, wherever the bot puts it (inside a sentence or at the start of a line)."""
    # Most names and titles have nothing to escape: finding that out is cheaper than
    # substitutions that change nothing.
    if _NEEDS_WORK.search(text) is None:
        return text
    text = _BREAKS.sub(" ", text).strip()
    text = _INLINE.sub(r"\\\1", text)
    block = _BLOCK_START.match(text)
    if block is not None:
        if block.group(1)[0].isdigit():  # "1." -> "1\." keeps the number as text
            end = block.end()
            text = f"{text[:end]}\\{text[end:]}"
        else:
            text = "\\" + text
    return text


def mailto(email: str) -> str:
    """A `mailto:` address for a markdown link or an OpenUrl button: everything but the
    characters of a plain address percent-encoded, so an e-mail cannot end the link,
    add a query (`?subject=`, `&cc=`) or another recipient."""
    return "mailto:" + quote(email.strip(), safe="@.-_+")


_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\(([^)\s]*)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w\\])_(.+?)(?<!\\)_(?!\w)")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash before ASCII punctuation


def plain_text(markdown: str) -> str:
    """The bot's markdown as plain text for a terminal: no ** or _, links as "name <address>",
    escaped characters as themselves (`escape` undone). Lines stay lines."""
    text = _LINK.sub(_plain_link, markdown)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    return _ESCAPED.sub(r"\1", text)


def _plain_link(match: re.Match[str]) -> str:
    label, target = match.group(1), match.group(2)
    address = unquote(target.removeprefix("mailto:"))
    return label if address in ("", _ESCAPED.sub(r"\1", label)) else f"{label} <{address}>"
