"""The page's files, read once with `importlib.resources`: its style, script and templates.

`STYLE` and `SCRIPT` are exactly what goes between `<style>` and `</style>`, `<script>`
and `</script>`: the file on a line of its own, without its whole-line `/* … */`
comments. Whoever serves the page hashes these same strings for its
Content-Security-Policy.

Templates (`string.Template`, `$name` for a value the renderer has escaped or built) are
written one element to a line for their reader; the lines are joined without their line
breaks and indentation, so the page has no white space between elements.
"""

from __future__ import annotations

import re
from importlib.resources import files
from string import Template

_COMMENT = re.compile(r"^/\*.*?\*/\n", re.MULTILINE | re.DOTALL)


def _read(name: str) -> str:
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


def _inline(name: str) -> str:
    """The file as it goes inside its element: on a line of its own, no comments."""
    return "\n" + _COMMENT.sub("", _read(name))


def _template(name: str) -> Template:
    return Template("".join(line.strip() for line in _read(name).splitlines()))


STYLE = _inline("wheel.css")
SCRIPT = _inline("wheel.js")

PAGE = _template("page.html")  # the document, after its doctype line
WHEEL = _template("wheel.html")  # the wheel page's body
NOT_FOUND = _template("not_found.html")  # the body of the page for an unknown network
ENTRY = _template("entry.html")  # one date in the list
