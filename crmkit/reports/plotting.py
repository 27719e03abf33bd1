"""Chart set-up shared by every report: theme, CJK font, sizes.

Chinese labels need a font with CJK glyphs.  crmkit depends on the
``noto-cjk-sans-otc`` wheel (Noto Sans CJK, OFL licence); its collection holds
several faces and matplotlib would pick the first (Japanese) one, so the
Simplified Chinese face is extracted once into a per-user cache and
registered with matplotlib's font manager.
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path

import matplotlib
from matplotlib import font_manager

__all__ = ["setup", "cjk_font_path", "cjk_font_name", "PALETTE", "inert_text", "show"]

PALETTE = ["#1f5f8b", "#e07b39", "#3a9e6f", "#c2405a", "#7a5fa8", "#8c8c3e", "#4fa3b8", "#a6763c"]
_SC_FACE = "Noto Sans CJK SC"


def _cache_dir() -> Path:
    base = os.environ.get("CRMKIT_CACHE") or os.path.join(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"), "crmkit")
    p = Path(base) / "fonts"
    p.mkdir(parents=True, exist_ok=True)
    return p


@lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    """Path of an OpenType file with the Simplified Chinese Noto Sans face."""
    import noto_cjk_sans_otc

    ttc = Path(noto_cjk_sans_otc.__file__).with_name("NotoSansCJK-Regular.ttc")
    target = _cache_dir() / "NotoSansCJKsc-Regular.otf"
    if target.exists() and target.stat().st_size > 0:
        return target
    from fontTools.ttLib import TTCollection

    coll = TTCollection(str(ttc))
    face = next((f for f in coll.fonts if f["name"].getDebugName(1) == _SC_FACE), coll.fonts[0])
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".otf")
    os.close(fd)
    face.save(tmp)
    os.replace(tmp, target)  # atomic: parallel notebooks may race here
    return target


@lru_cache(maxsize=1)
def cjk_font_name() -> str:
    """Register the CJK font with matplotlib and return its family name."""
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def setup(language: str = "en", *, context: str = "notebook") -> None:
    """Apply crmkit's chart theme; always registers the CJK font so Chinese data labels render.

    Parameters
    ----------
    language : {"en", "zh"}
        Report language (both languages get the CJK fallback font because data
        values such as region names may be Chinese).
    """
    import logging

    import seaborn as sns

    # The CJK face has one weight; matplotlib warns on every bold title otherwise.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    sns.set_theme(context=context, style="whitegrid", palette=PALETTE)
    cjk = cjk_font_name()
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": ([cjk, "DejaVu Sans"] if language == "zh" else ["DejaVu Sans", cjk]),
            "axes.unicode_minus": False,
            "figure.figsize": (7.5, 4.0),
            "figure.dpi": 96,
            "savefig.dpi": 96,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def inert_text(fig) -> None:
    """Turn off mathtext on every text of *fig* (titles, labels, ticks, legends, annotations).

    Category names, campaign names and comments come from the data; a ``$``
    in them would otherwise start mathtext, render ``$a_b$`` as a formula or
    raise a parse error for an unbalanced one.  crmkit's own chart text uses
    no mathtext, so every text is shown as written.
    """
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        text.set_parse_math(False)


def show(fig=None) -> None:
    """Show a chart in the notebook with all of its text inert (see :func:`inert_text`), then close it."""
    import matplotlib.pyplot as plt

    fig = plt.gcf() if fig is None else fig
    inert_text(fig)
    plt.show()
    plt.close(fig)
