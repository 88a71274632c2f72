"""Rendering with no display: stills (and, through :class:`OffscreenStage`, video frames).

An off-screen VTK render window renders through EGL with no X server (:class:`OffscreenPlotter`:
VTK alone, no ``pyvista.plotting``); the Qt widget is never used here. One render per frame, no
MSAA, no FXAA (see the headless reference).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")

import pyvista as pv  # noqa: E402

from app.anatomy import Kinematics, load_rig  # noqa: E402
from app.errors import TalusError  # noqa: E402
from app.scene import vtkmin as vtk  # noqa: E402
from app.scene.camera import MIN_REGION_MM, VIEWS, apply_view  # noqa: E402
from app.scene.skeleton import TEXT_BACKING_RGB, SkeletonScene, load_bone_meshes, style_plotter  # noqa: E402


#: level of detail of clips (OffscreenStage.use_level_of_detail): the least average area of a drawn
#: triangle on screen (px^2), and the least fraction of a bone's triangles kept
LOD_MIN_PX2 = 16.0
LOD_MIN_KEEP = 0.3
_DECIMATED: dict[tuple[int, float], tuple[object, pv.PolyData]] = {}


def decimated(mesh: pv.PolyData, keep: float) -> pv.PolyData:
    """``mesh`` with about ``keep`` of its triangles (quadric decimation, volume kept), smooth point
    normals; cached per mesh and fraction (a clip, then the next one, reuse it)."""
    key = (id(mesh), keep)
    hit = _DECIMATED.get(key)
    if hit is not None and hit[0] is mesh:
        return hit[1]
    dec = vtk.vtkQuadricDecimation()
    dec.SetInputData(mesh)
    dec.SetTargetReduction(1.0 - keep)
    dec.VolumePreservationOn()
    dec.Update()
    out = pv.wrap(dec.GetOutput()).compute_normals(cell_normals=False, split_vertices=False,
                                                   auto_orient_normals=False, consistent_normals=False)
    _DECIMATED[key] = (mesh, out)
    return out


_MEAN_AREA: dict[int, tuple[object, float]] = {}


def mean_triangle_area(mesh: pv.PolyData) -> float:
    """Mean area (mm^2) of ``mesh``'s triangles, cached per mesh (pyvista's ``area`` measures every cell
    again at each call: 3 ms a bone, 90 ms a clip)."""
    hit = _MEAN_AREA.get(id(mesh))
    if hit is None or hit[0] is not mesh:
        hit = _MEAN_AREA[id(mesh)] = (mesh, mesh.area / max(mesh.n_cells, 1))
    return hit[1]


#: a corner text's anchor (display px from the lower left, as fractions of the picture) and its justification
_CORNERS = {"lower_left": ((0, 0), "Left", "Bottom"), "lower_right": ((1, 0), "Right", "Bottom"),
            "upper_left": ((0, 1), "Left", "Top"), "upper_right": ((1, 1), "Right", "Top")}
#: the margin between a corner text and the picture's edges (px)
CORNER_MARGIN_PX = 5


def corner_font_size(text: str, tprop, size: tuple[int, int], *, linear: int, dpi: int = 72) -> int:
    """The font size (pt at ``dpi``) that VTK's ``vtkCornerAnnotation`` gives ``text``, computed in
    about 0.1 ms where the annotation takes about 20 ms at 720p on llvmpipe.

    The annotation fits the text to the picture: the largest size up to 100 at which it fits in 90 %
    of the width and of the height and in one picture height per line; then takes ``size ** 0.35 *
    linear`` (its non-linear and linear scale factors), at most 45 (its maximum font size). It finds
    that size by stepping one point at a time from the last, drawing the text at every step to measure
    it; this measures FreeType's bounding box and bisects (the box grows with the size).
    """
    measure = vtk.vtkTextProperty()
    measure.ShallowCopy(tprop)
    renderer = vtk.vtkTextRenderer.GetInstance()
    w, h = size
    lines = text.count("\n") + 1
    box = [0, 0, 0, 0]

    def fits(pt: int) -> bool:
        measure.SetFontSize(pt)
        if not renderer.GetBoundingBox(measure, text, box, dpi):
            return False
        tw, th = box[1] - box[0] + 1, box[3] - box[2] + 1
        return tw <= 0.9 * w and th <= 0.9 * h and th <= lines * h

    lo, hi = 0, 100  # the largest size that fits lies in [lo, hi]
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    return max(6, min(45, int(lo ** 0.35 * linear)))  # 6: the annotation's least size that it draws


#: how captions are drawn (a caption's height is measured with the same)
CAPTION_STYLE = {"color": "white", "shadow": True, "backing": 0.65}


def display_box(text_actor, renderer) -> tuple[float, float, float, float]:
    """Where a text actor is drawn: (x0, x1, y0, y1), display px."""
    box = [0.0] * 4
    text_actor.GetBoundingBox(renderer, box)
    return tuple(box)


class CornerText:
    """Text in a corner of the picture, looking as a ``vtkCornerAnnotation`` draws it (pyvista's
    ``add_text``: Arial, 5 px from the edges, sized to the text and the picture), but changed cheaply.

    The annotation measures its text again at every change by drawing it at one size after another:
    about 20 ms at 720p on llvmpipe, as long as the whole 3D frame, for each new caption or note of a
    clip. This is a ``vtkTextActor`` sized by :func:`corner_font_size` (the same size, 0.1 ms) and
    drawn once per change.
    """

    def __init__(self, text: str, *, position: str, font_size: int, color, shadow: bool, backing: float,
                 size: tuple[int, int], dpi: int = 72):
        (fx, fy), justify, vjustify = _CORNERS[position]
        self.size, self.dpi, self.linear = tuple(size), dpi, max(1, font_size // 2)
        self.actor = vtk.vtkTextActor()
        x = CORNER_MARGIN_PX + fx * (size[0] - 2 * CORNER_MARGIN_PX)
        y = CORNER_MARGIN_PX + fy * (size[1] - 2 * CORNER_MARGIN_PX)
        self.actor.SetPosition(x, y)
        prop = self.actor.GetTextProperty()
        prop.SetFontFamilyToArial()
        getattr(prop, f"SetJustificationTo{justify}")()
        getattr(prop, f"SetVerticalJustificationTo{vjustify}")()
        if isinstance(color, str):
            from vtkmodules.vtkCommonColor import vtkNamedColors

            color = vtkNamedColors().GetColor3d(color)
        prop.SetColor(*color)
        prop.SetShadow(bool(shadow))
        if backing > 0.0:
            prop.SetBackgroundColor(*TEXT_BACKING_RGB)
            prop.SetBackgroundOpacity(backing)
        self.actor.SetPickable(False)
        self.text = None
        self.set(text)

    def set(self, text: str) -> None:
        """Show ``text`` instead (sized again for it); nothing happens when it is the same."""
        if text == self.text:
            return
        self.text = text
        prop = self.actor.GetTextProperty()
        prop.SetFontSize(corner_font_size(text, prop, self.size, linear=self.linear, dpi=self.dpi))
        self.actor.SetInput(text)


class OffscreenPlotter:
    """What the stage and the scene layers need of a plotter, built from VTK alone.

    ``pyvista.Plotter`` imports :mod:`pyvista.plotting`, which imports matplotlib's pyplot: about 1.5 s
    of every ``talus still`` and ``talus export`` (and so of every export from the window, which runs
    one) before the first frame. This is the same EGL render window (``VTK_DEFAULT_OPENGL_WINDOW``),
    renderer and corner text; the window's view (:class:`app.ui.raster_view.RasterPlotter`) offers
    the same few members to the same layers.
    """

    def __init__(self, size: tuple[int, int]):
        from vtkmodules.vtkRenderingCore import vtkRenderer, vtkRenderWindow

        self.ren_win = vtkRenderWindow()
        self.ren_win.SetOffScreenRendering(1)
        self.ren_win.SetMultiSamples(0)
        self.ren_win.SetSize(*size)
        self.renderer = vtkRenderer()
        self.ren_win.AddRenderer(self.renderer)
        self._corner_texts: dict[object, CornerText] = {}  # actor -> its corner text (see add_text)

    def render(self) -> None:
        self.ren_win.Render()

    def add_text(self, text: str, *, position: str = "upper_left", font_size: int = 12, color=(1.0, 1.0, 1.0),
                 shadow: bool = False, backing: float = 0.0):
        """Show ``text`` in a corner (a :class:`CornerText`, as pyvista's ``add_text`` draws it: Arial,
        its size fitted to the text and scaled linearly by ``font_size // 2``) and return its actor;
        drawn at the next render, not now. ``backing``: the opacity of a dark slate box behind the
        text (0: none). Change its words with :meth:`set_text`."""
        corner = CornerText(text, position=position, font_size=font_size, color=color, shadow=shadow,
                            backing=backing, size=self.ren_win.GetSize(), dpi=self.ren_win.GetDPI())
        self._corner_texts[corner.actor] = corner
        self.renderer.AddViewProp(corner.actor)
        return corner.actor

    def set_text(self, actor, text: str) -> None:
        """Show ``text`` in the corner text ``actor`` (from :meth:`add_text`) instead."""
        self._corner_texts[actor].set(text)

    def remove_actor(self, actor) -> None:
        self.renderer.RemoveViewProp(actor)
        self._corner_texts.pop(actor, None)

    def close(self) -> None:
        self._corner_texts.clear()
        self.renderer.RemoveAllViewProps()
        self.ren_win.Finalize()


class OffscreenStage:
    """An off-screen plotter holding the skeleton, ready to pose and render frame after frame.

    Nothing is rendered until asked: the first render (context, shaders, glyphs: about 30 ms) is a
    still's picture or a clip's first frame, not a warm-up of its own."""

    def __init__(self, size: tuple[int, int] = (1280, 800), *, side: str = "right", view: str = "three_quarter",
                 rig=None, meshes=None):
        self.rig = rig or load_rig()
        self.kin = Kinematics(self.rig)
        self.plotter = OffscreenPlotter(size)
        style_plotter(self.plotter)
        self.scene = SkeletonScene(self.plotter, self.rig, meshes or load_bone_meshes(self.rig), side=side)
        self.view = view
        self.side = side
        self.caption_actor = None
        self.note_actor = None
        self._note = None
        self.info_actor = None
        self.tissue_set = None
        self.tissues = None
        self.tripod = None
        self._info_technique = None
        self.fit_view(view)

    def fit_view(self, view: str, bounds=None) -> None:
        """Frame the bones drawn from ``view`` (or ``bounds``, mm, from the preset's own framing)."""
        if bounds is not None:
            apply_view(self.plotter.renderer, view, self.side, bounds)
        else:
            apply_view(self.plotter.renderer, view, self.side, self.scene.bounds(), points=self.scene.shown_points())

    def fit_bones(self, bones, *, timeline=None, min_extent_mm: float = 0.0, bottom_px: float = 0.0) -> None:
        """Close in on ``bones`` from the current view: at every pose ``timeline`` draws (its extreme
        poses included), or at the neutral pose; at least ``min_extent_mm`` of the foot shows, above a
        band of ``bottom_px`` kept clear at the bottom (the caption's)."""
        from app.scene.camera import fit_points, posed_points, technique_points

        if timeline is not None:
            pts = technique_points(timeline, self.scene.meshes, bones, side=self.side)
        else:
            W0 = self.kin.transforms(self.kin.pose_vector())[None]
            pts = posed_points(self.rig, self.scene.meshes, bones, W0, side=self.side)
        fit_points(self.plotter.renderer, self.view, self.side, pts, min_extent_mm=min_extent_mm, bottom_px=bottom_px)

    def use_level_of_detail(self, min_px2: float = LOD_MIN_PX2) -> dict[str, float]:
        """Draw with fewer triangles the bones whose triangles are tiny on screen; return bone -> fraction kept.

        llvmpipe's cost of a frame follows its triangle count far more than its pixel count. A clip
        framing the whole foot at 720p shows a bone's triangles at 1-4 px^2 each (its silhouette and
        shading the same with half as many): each bone is decimated (quadric, volume kept, normals
        computed again) until its average triangle covers ``min_px2`` pixels at the focal plane of the
        current camera, keeping at least :data:`LOD_MIN_KEEP` of it; a bone at most 25 % over is
        left alone, and so is a close-up. Only the drawn actors change: framing, contacts and picking
        keep the full meshes. Call after the camera is set; a later camera change does not redo it.
        """
        cam = self.plotter.renderer.GetActiveCamera()
        h_px = self.plotter.ren_win.GetSize()[1]
        px_per_mm = h_px / (2 * cam.GetDistance() * np.tan(np.radians(cam.GetViewAngle()) / 2))
        kept = {}
        for name, mesh in self.scene.meshes.items():
            px2 = mean_triangle_area(mesh) * px_per_mm ** 2
            keep = round(max(LOD_MIN_KEEP, px2 / min_px2), 1)
            if keep > 0.75 or not self.scene.actors[name].GetProperty().GetOpacity() >= 1.0:
                continue
            lod = decimated(mesh, keep)
            if self.side == "left":
                from app.scene.skeleton import mirrored

                lod = mirrored(lod)
            self.scene.actors[name].GetMapper().SetInputData(lod)
            kept[name] = keep
        return kept

    def caption_height(self, text: str, *, font_size: int = 14) -> float:
        """How high (px from the bottom edge) ``text`` would reach as a caption (:meth:`set_caption`)."""
        rw = self.plotter.ren_win
        corner = CornerText(text, position="lower_left", font_size=font_size, size=rw.GetSize(), dpi=rw.GetDPI(),
                            **CAPTION_STYLE)
        return display_box(corner.actor, self.plotter.renderer)[3]  # its top

    def set_caption(self, text: str | None, *, font_size: int = 14, position: str = "lower_left") -> None:
        if self.caption_actor is not None:
            self.plotter.remove_actor(self.caption_actor)
            self.caption_actor = None
        if text:
            self.caption_actor = self.plotter.add_text(text, position=position, font_size=font_size, **CAPTION_STYLE)

    def set_note(self, text: str | None, *, font_size: int = 12) -> None:
        """A short note in the upper right corner (the magnification: "distraction drawn 6x, true 1.5 mm"),
        changing as a clip plays: a :class:`CornerText` given new words costs about 0.1 ms."""
        if text == self._note:
            return
        self._note = text
        if not text:
            if self.note_actor is not None:
                self.note_actor.SetVisibility(False)
            return
        if self.note_actor is None:
            self.note_actor = self.plotter.add_text(text, position="upper_right", font_size=font_size,
                                                    color=(1.0, 0.85, 0.55), shadow=True, backing=0.65)
        else:
            self.plotter.set_text(self.note_actor, text)
            self.note_actor.SetVisibility(True)

    def show_tissues(self, groups=(), *, arches: bool = False, targets=()) -> None:
        """Draw the soft tissues of ``groups`` (emphasising ``targets``) and, with ``arches``, the tripod and arches."""
        from app.anatomy.tissues import load_tissues
        from app.scene.tissues import TissueScene, TripodScene

        if self.tissue_set is None:
            self.tissue_set = load_tissues(rig=self.rig, kinematics=self.kin)
        if self.tissues is None:
            self.tissues = TissueScene(self.plotter, self.tissue_set, side=self.side)
            self.tripod = TripodScene(self.plotter, self.tissue_set, side=self.side)
        self.tissues.set_targets(targets)
        self.tissues.set_groups(groups)
        if groups:  # tissues in front: the bones in one plain colour, so no tint competes with the strain colours
            self.scene.set_roles((), ())
        self.tripod.set_visible(arches)

    def pose_tissues(self, W_drawn=None, W_true=None) -> None:
        """Move the tissues and arches with the drawn pose, colour and measure them at true size (no render)."""
        if self.tissues is None:
            return
        W_drawn = W_drawn if W_drawn is not None else self.kin.transforms(self.rig.zero_pose())
        self.tissues.update(W_drawn, W_true)
        self.tripod.update(W_drawn, W_true)
        if self._info_technique is not None:
            self._show_info(W_drawn if W_true is None else W_true)

    def set_info(self, technique) -> None:
        """List the technique's target tissues with their current true-size strain (upper left)."""
        self._info_technique = technique
        self._show_info(self.tissues.true_transforms if self.tissues is not None else None)

    def _show_info(self, W_true) -> None:
        from app.anatomy.tissues import describe_states

        tech = self._info_technique
        if tech is None or W_true is None or not tech.targets:
            if self.info_actor is not None:
                self.plotter.remove_actor(self.info_actor)
                self.info_actor = None
            return
        text = "Target tissues (true size)\n" + "\n".join(describe_states(self.tissue_set, tech.targets, W_true))
        if self.info_actor is None:
            self.info_actor = self.plotter.add_text(text, position="upper_left", font_size=11, color="white",
                                                    shadow=True, backing=1.0)
        else:  # a clip's frames: the same text actor, new words (CornerText.set does nothing when they are the same)
            self.plotter.set_text(self.info_actor, text)

    def panel_rects(self) -> list[tuple[float, float, float, float]]:
        """Where the panels over the picture are (display px: x0, y0, x1, y1): the strain legend and the
        texts in the corners (caption, note, target-tissue list)."""
        rects = []
        if self.tissues is not None:
            legend = self.tissues.legend.display_rect()
            if legend is not None:
                rects.append(legend)
        for actor in (self.caption_actor, self.note_actor, self.info_actor):
            if actor is not None and actor.GetVisibility():
                x0, x1, y0, y1 = display_box(actor, self.plotter.renderer)
                rects.append((x0, y0, x1, y1))
        return rects

    def add_labels(self, bones=None):
        """Name ``bones`` (default: every bone), with leader lines (laid out again at each render)."""
        from app.scene.labels import LabelLayer

        layer = LabelLayer(self.plotter.renderer, self.scene)
        layer.keep_clear_of(self.panel_rects)
        layer.set_targets(bones=list(bones) if bones else [b.name for b in self.rig.bones])
        layer.set_visible(True)
        self.labels = layer
        return layer

    def render(self) -> np.ndarray:
        """Render once and return the frame as an (h, w, 3) uint8 array (opaque bones are drawn with
        back-face culling: :func:`app.scene.skeleton.set_bone_opacity`)."""
        return np.ascontiguousarray(self.render_flipped())

    def render_flipped(self) -> np.ndarray:
        """Render once and return the frame as an (h, w, 3) uint8 view, top row first, of OpenGL's
        bottom-up pixels: ``img[::-1]`` is contiguous, ready for an encoder told to flip it (ffmpeg's
        ``vflip`` only changes the row pointers), with no copy on this side."""
        from vtkmodules.util.numpy_support import vtk_to_numpy

        self.plotter.render()
        w, h = self.plotter.ren_win.GetSize()
        data = vtk.vtkUnsignedCharArray()  # a fresh buffer per frame: the encoder may still hold the last ones
        self.plotter.ren_win.GetPixelData(0, 0, w - 1, h - 1, 0, data, 0)  # the back buffer just drawn
        return vtk_to_numpy(data).reshape(h, w, 3)[::-1]

    def close(self) -> None:
        self.plotter.close()


def render_still(output: str | Path, *, view: str | None = None, size=(1280, 800), side: str = "right",
                 technique: str | None = None, frame: int = 0, magnify: float | None = None,
                 library: str | Path | None = None, tissues=(), arches: bool = False,
                 labels: bool = False, focus=()) -> Path:
    """Write a PNG of the skeleton (optionally posed at a technique's frame); return its path.

    ``tissues``: groups of soft tissues to draw (coloured by true-size strain, with a legend; a technique's
    targets emphasised and listed with their strain); ``arches``: the tripod, ground plane and arch heights;
    ``labels``: the bones named, with leader lines; ``focus``: bone names the picture closes in on (a
    close-up of the ankle, the midfoot, the toes), fitted to them at every pose of the technique.
    """
    output = Path(output)
    if output.suffix.lower() != ".png":
        raise TalusError(f"{output}: a still is written as PNG; give a file name ending in .png")
    rig = load_rig()
    tech = None
    if technique:
        from app.techniques.library import load_library

        tech = load_library(library, rig=rig).technique(technique)
        if tech is None:
            raise TalusError(f"unknown technique {technique!r} in {library or 'the bundled library'}")
    if view is None:  # as a clip of the technique is seen (its hands on the side that shows them)
        from app.scene.camera import REGION_VIEW

        view = REGION_VIEW.get(tech.region, "three_quarter") if tech is not None else "three_quarter"
    if view not in VIEWS:
        raise TalusError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    from app.techniques.timeline import check_magnify
    from app.userfiles import check_writable

    if magnify is not None:
        magnify = check_magnify(magnify)
    check_writable(output)  # before rendering: a missing or read-only folder, a read-only file
    stage = OffscreenStage(size, side=side, view=view, rig=rig)
    try:
        focus = list(focus or ())
        unknown = [b for b in focus if b not in stage.scene.meshes]
        if unknown:
            raise TalusError(f"--focus: unknown bone {', '.join(map(repr, unknown))}; bones are "
                             f"{', '.join(b.name for b in stage.rig.bones)}")
        caption = f"{'Right' if side == 'right' else 'Left'} foot - {VIEWS[view][0].lower()} view"
        W_drawn = W_true = None
        if tech is not None:
            from app.techniques.timeline import Timeline

            tl = Timeline(tech, stage.rig, magnify=magnify)
            if not 0 <= frame < tl.n_frames:
                raise TalusError(f"technique {technique!r} has frames 0-{tl.n_frames - 1}; frame {frame} is outside")
            from app.scene.overlays import TechniqueOverlays

            span = tl.phases[tl.phase_index(frame)]
            caption = f"{tech.name} - {span.name} - frame {frame}/{tl.n_frames - 1}\n{caption}"
            # the bones in focus, or those the technique moves, works or holds (as its clip frames them:
            # a toe's rotation shows the toe, not the leg), at its extreme poses, fill the picture above
            # the caption
            from app.scene.camera import region_bones

            stage.fit_bones(focus or region_bones(tl, stage.scene.meshes), timeline=tl, min_extent_mm=MIN_REGION_MM,
                            bottom_px=stage.caption_height(caption, font_size=12) + 6)
            stage.set_note(tl.magnification_note(tl.time_of(frame)), font_size=12)

            stage.scene.set_roles(tech.worked_bones, tech.stabilised_bones)
            W = tl.transforms(frame)
            W_drawn, W_true = W, tl.true_transforms(frame)
            stage.scene.set_transforms(W)
            overlays = TechniqueOverlays(stage.plotter, stage.rig, tech, side=side, timeline=tl, meshes=stage.scene.meshes)
            overlays.set_transforms(W, frame)
        elif focus:
            stage.fit_bones(focus, min_extent_mm=MIN_REGION_MM)
        if tissues or arches:
            stage.show_tissues(tissues, arches=arches, targets=tech.targets if tech else ())
            stage.pose_tissues(W_drawn, W_true)
            if tissues and tech is not None and tech.targets:
                stage.set_info(tech)
        stage.set_caption(caption, font_size=12)
        if labels:
            stage.add_labels()
        img = stage.render()
        write_png_atomically(output, img)
    finally:
        stage.close()
    return output


def write_png_atomically(path: str | Path, img: np.ndarray) -> Path:
    """Write ``img`` as a PNG with :func:`app.userfiles.write_atomically`: never a half-written picture."""
    import imageio.v3 as iio

    from app.userfiles import write_atomically

    return write_atomically(path, iio.imwrite("<bytes>", img, extension=".png"), keep_backup=False)
