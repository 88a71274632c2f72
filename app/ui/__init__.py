"""How you use it: the window, panels, transport and shortcuts (PySide6 + pyvistaqt)."""
