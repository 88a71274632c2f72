"""How it looks: one VTK actor per bone, tints, ghost, contacts and arrows (pyvista/VTK, no Qt)."""
