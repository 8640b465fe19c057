"""The demo compound and the default configuration (data, not code)."""

from pathlib import Path

DATA_DIR = Path(__file__).parent
DEFAULT_CONFIG = DATA_DIR / "default_config.toml"
DEMO_DIR = DATA_DIR / "demo"
