"""guardpost: the guard booth of a gated residential compound, in one terminal screen.

This package is the core (domain, storage, policy, readers, reports, CLI). It never imports Textual.
"""

__version__ = "0.1.0"
