"""Writing output files safely.

Reports, metrics and scorecards are read by other processes (the index page,
the summary of a later run) while a batch is running, so they are written
atomically: to a temporary file in the same folder, then renamed into place
(``os.replace`` is atomic on POSIX and Windows when both are on one file
system), so a reader sees either the old file or the new one, never half.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]

_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write *text* (UTF-8) to a temporary file beside *path*, then rename it into place.

    The file gets the permissions a plain ``open(path, "w")`` would give
    (``0o666`` minus the process umask); the temporary file is removed when
    writing fails.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = write_atomic(pathlib.Path(tempfile.mkdtemp()) / "sub" / "a.txt", "héllo")
    >>> p.read_text(encoding="utf-8"), [f.name for f in p.parent.iterdir()]
    ('héllo', ['a.txt'])
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".tmp-{p.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return p
