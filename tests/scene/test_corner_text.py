"""Captions and notes of stills and clips look as VTK's corner annotation draws them (same size, same
corner), and new words show at once."""

import numpy as np
import pytest

from app.scene.offscreen import OffscreenPlotter

NOTE = "distraction drawn 6x, true 0.0 mm"
CAPTION = ("Talocrural jostle - 1. Settle\nCup the heel in one hand and let the other rest on the dorsum; "
           "jiggle the\nfoot side to side")


def picture(size, draw) -> np.ndarray:
    from vtkmodules.util.numpy_support import vtk_to_numpy
    from vtkmodules.vtkCommonCore import vtkUnsignedCharArray

    plotter = OffscreenPlotter(size)
    try:
        plotter.renderer.SetBackground(0.0, 0.0, 0.0)
        draw(plotter)
        plotter.render()
        data = vtkUnsignedCharArray()
        plotter.ren_win.GetPixelData(0, 0, size[0] - 1, size[1] - 1, 0, data, 0)
        return vtk_to_numpy(data).reshape(size[1], size[0], 3)[::-1]
    finally:
        plotter.close()


def text_box(img) -> tuple[int, int, int, int]:
    """Rows and columns (top, bottom, left, right) of the pixels a text lit."""
    ys, xs = np.nonzero(img.max(axis=2) > 40)
    return ys.min(), ys.max(), xs.min(), xs.max()


def corner_annotation(text, position, font_size):
    from vtkmodules.vtkRenderingAnnotation import vtkCornerAnnotation

    corners = {"lower_left": 0, "upper_right": 3}

    def draw(plotter):
        actor = vtkCornerAnnotation()
        actor.SetText(corners[position], text)
        actor.SetLinearFontScaleFactor(font_size // 2)
        actor.GetTextProperty().SetFontFamilyToArial()
        actor.GetTextProperty().SetColor(1.0, 1.0, 1.0)
        plotter.renderer.AddViewProp(actor)

    return draw


@pytest.mark.parametrize("size", [(1280, 720), (640, 400)])
@pytest.mark.parametrize("text, position", [(NOTE, "upper_right"), (CAPTION, "lower_left")])
def test_corner_text_is_the_size_and_place_vtk_would_give_it(size, text, position):
    font_size = max(10, size[1] // 52)
    vtk_box = text_box(picture(size, corner_annotation(text, position, font_size)))
    ours = text_box(picture(size, lambda p: p.add_text(text, position=position, font_size=font_size,
                                                       color="white")))
    assert np.abs(np.subtract(ours, vtk_box)).max() <= 2, (ours, vtk_box)


def test_new_words_replace_the_old_and_are_sized_for_themselves():
    size = (640, 400)

    def changed(plotter):
        actor = plotter.add_text("x", position="upper_right", font_size=12, color="white")
        plotter.render()
        plotter.set_text(actor, NOTE)

    fresh = picture(size, lambda p: p.add_text(NOTE, position="upper_right", font_size=12, color="white"))
    assert np.array_equal(picture(size, changed), fresh)
