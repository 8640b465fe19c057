"""Card readers: one small interface (``base.Reader``), many back ends (PC/SC, wedge, simulator)."""
