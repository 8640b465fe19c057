"""The demo compound (data, not code); installed as ``guardpost_data`` so it collides with nothing.

``demo/`` is written by ``make_demo.py`` (``python data/make_demo.py``) and read by
``guardpost demo``. The program's own defaults live with the core (``guardpost/defaults.toml``).
"""

from pathlib import Path

DATA_DIR = Path(__file__).parent
DEMO_DIR = DATA_DIR / "demo"
