"""The Textual app: screens, widgets and styles. Rules of the gate live in ``guardpost``, not here."""
