"""The VTK classes Talus uses, imported from their own modules: ``from app.scene import vtkmin as vtk``.

``import vtk`` loads every VTK module (hundreds of them) and costs a large part of the window's
start-up; this module loads only the ones named here. Any other ``vtk.<name>`` still works: it falls
back to the full ``vtk`` package on first use.
"""

from __future__ import annotations

from vtkmodules.vtkCommonCore import vtkObject, vtkPoints, vtkSMPTools, vtkUnsignedCharArray  # noqa: F401
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData  # noqa: F401
from vtkmodules.vtkCommonMath import vtkMatrix4x4  # noqa: F401
from vtkmodules.vtkFiltersCore import vtkPolyDataNormals, vtkQuadricDecimation  # noqa: F401
from vtkmodules.vtkIOPLY import vtkPLYReader  # noqa: F401
from vtkmodules.vtkRenderingCore import (  # noqa: F401
    vtkActor,
    vtkActor2D,
    vtkCellPicker,
    vtkPolyDataMapper,
    vtkPolyDataMapper2D,
    vtkTextActor,
    vtkTextProperty,
    vtkTextRenderer,
)
import vtkmodules.vtkRenderingFreeType  # noqa: F401,E402  (text rendering)
import vtkmodules.vtkRenderingOpenGL2  # noqa: F401,E402  (the OpenGL implementations of the above)


def __getattr__(name: str):
    if name in ("vtkAxesActor",):
        from vtkmodules.vtkRenderingAnnotation import vtkAxesActor

        return vtkAxesActor
    if name == "vtkImplicitPolyDataDistance":  # contact arrows are lifted clear of their bone with it
        from vtkmodules.vtkFiltersCore import vtkImplicitPolyDataDistance

        return vtkImplicitPolyDataDistance
    if name in ("vtkOrientationMarkerWidget",):
        from vtkmodules.vtkInteractionWidgets import vtkOrientationMarkerWidget

        return vtkOrientationMarkerWidget
    if name.startswith("__"):
        raise AttributeError(name)
    import vtk as _all

    return getattr(_all, name)
