"""Every page the README names (`/services/`, `/casework/`…) exists: it is the first thing a new
user tries after `make demo`."""

import re
from pathlib import Path

from django.urls import Resolver404, resolve

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_path_the_readme_names_is_a_page():
    paths = sorted(set(re.findall(r"`(/[a-z0-9_/-]*)`", README.read_text())))
    assert "/self-referral/" in paths and "/reports/" in paths
    missing = []
    for path in paths:
        try:
            resolve(path)
        except Resolver404:
            missing.append(path)
    assert missing == []
