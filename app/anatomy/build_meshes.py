"""Build the bone meshes: ``python -m app.anatomy.build_meshes`` (see :mod:`app.anatomy.bonegen`)."""

import sys

from app.anatomy.bonegen import build_all, main

__all__ = ["build_all", "main"]

if __name__ == "__main__":
    sys.exit(main())
