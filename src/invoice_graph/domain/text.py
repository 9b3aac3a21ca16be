"""Text PostgreSQL cannot store: NUL and other control characters, and lone surrogates."""

import re

# C0 controls other than tab, line feed and carriage return; DEL; UTF-16 surrogates.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def has_unstorable(text: str) -> bool:
    """Whether the text holds a control character (such as NUL) or an unpaired surrogate."""
    return _UNSTORABLE.search(text) is not None
