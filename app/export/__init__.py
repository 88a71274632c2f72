"""Video and frame export (off screen, no display needed)."""
