"""Clear fuzzy guesses from the .po files (makemessages' fuzzy matching invents wrong ones).

A fuzzy entry is never compiled, so clearing it loses nothing: the entry becomes plainly
untranslated, which the translation tests and translators can see. Edits the text in place
(block by block) so the files keep gettext's own formatting.
Usage: python scripts/clear_fuzzy.py src/linkwell/locale/*/LC_MESSAGES/django.po
"""

from __future__ import annotations

import re
import sys
from pathlib import Path


def clear(text: str) -> tuple[str, int]:
    blocks = text.split("\n\n")
    cleared = 0
    for i, block in enumerate(blocks):
        lines = block.split("\n")
        flags = [j for j, line in enumerate(lines) if line.startswith("#,")]
        if not flags or "fuzzy" not in lines[flags[0]] or 'msgid ""\nmsgstr ""\n"Project' in block:
            continue
        if i == 0:  # the header
            continue
        flag_line = lines[flags[0]]
        rest = [f.strip() for f in flag_line[2:].split(",") if f.strip() and f.strip() != "fuzzy"]
        out = []
        in_msgstr = False
        for j, line in enumerate(lines):
            if j == flags[0]:
                if rest:
                    out.append("#, " + ", ".join(rest))
                continue
            if line.startswith("#|"):
                continue
            m = re.match(r"^(msgstr(\[\d+\])?) ", line)
            if m:
                out.append(f'{m.group(1)} ""')
                in_msgstr = True
                continue
            if in_msgstr and line.startswith('"'):
                continue
            in_msgstr = False
            out.append(line)
        blocks[i] = "\n".join(out)
        cleared += 1
    return "\n\n".join(blocks), cleared


if __name__ == "__main__":
    for name in sys.argv[1:]:
        path = Path(name)
        new, n = clear(path.read_text(encoding="utf-8"))
        path.write_text(new, encoding="utf-8")
        print(f"{path}: cleared {n} fuzzy entries")
