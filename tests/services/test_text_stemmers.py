"""The Snowball stemmers `services.text` loads without the package's other languages give
the same stems as `snowballstemmer.stemmer` (see `services.text._snowball`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]

PROBE = """
import json, re, sys
from services import text
assert "snowballstemmer" not in sys.modules, "the whole package was loaded"
words = json.load(sys.stdin)
ours = {language: [text._STEMMERS.by_language[language].stemWord(w) for w in words] for language in ("sv", "en")}
import snowballstemmer
theirs = {
    language: [snowballstemmer.stemmer(name).stemWord(w) for w in words]
    for language, name in (("sv", "swedish"), ("en", "english"))
}
print(json.dumps(ours == theirs))
"""


def _words() -> list[str]:
    """Every word of the bench's questions and of the shipped networks' files."""
    texts = [(REPOSITORY / "bench" / "questions.yaml").read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in (REPOSITORY / "data").rglob("*.yaml")]
    words = {w.strip(".,:;!?\"'()[]{}").lower() for t in texts for w in t.split()}
    return sorted(words)


def test_the_stemmers_loaded_alone_stem_as_the_package_does():
    words = _words()
    assert len(words) > 1000
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPOSITORY, input=json.dumps(words), text=True,
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) is True
