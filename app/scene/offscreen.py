"""Rendering with no display: stills (and, through :class:`OffscreenStage`, video frames).

A plain ``pyvista.Plotter(off_screen=True)`` renders through EGL with no X server; the Qt widget is
never used here. One render per frame, FXAA, no MSAA (see docs in the headless reference).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")

import pyvista as pv  # noqa: E402

from app.anatomy import Kinematics, load_rig  # noqa: E402
from app.errors import TalusError  # noqa: E402
from app.scene.camera import MIN_REGION_MM, VIEWS, apply_view  # noqa: E402
from app.scene.skeleton import SkeletonScene, load_bone_meshes, style_plotter  # noqa: E402


class OffscreenStage:
    """An off-screen plotter holding the skeleton, ready to pose and render frame after frame."""

    def __init__(self, size: tuple[int, int] = (1280, 800), *, side: str = "right", view: str = "three_quarter",
                 rig=None, meshes=None):
        self.rig = rig or load_rig()
        self.kin = Kinematics(self.rig)
        self.plotter = pv.Plotter(off_screen=True, window_size=list(size), lighting=None)
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
        # pyvista renders nothing until show() has run once; tell it the camera is ours, not its default.
        self.plotter.camera_set = True
        self.plotter.show(auto_close=False)

    def fit_view(self, view: str, bounds=None) -> None:
        apply_view(self.plotter.renderer, view, self.side, bounds or self.scene.bounds())

    def fit_bones(self, bones, *, timeline=None, min_extent_mm: float = 0.0) -> None:
        """Close in on ``bones`` from the current view: at every pose ``timeline`` draws (its extreme
        poses included), or at the neutral pose; at least ``min_extent_mm`` of the foot shows."""
        from app.scene.camera import fit_points, posed_points, technique_points

        if timeline is not None:
            pts = technique_points(timeline, self.scene.meshes, bones, side=self.side)
        else:
            W0 = self.kin.transforms(self.kin.pose_vector())[None]
            pts = posed_points(self.rig, self.scene.meshes, bones, W0, side=self.side)
        fit_points(self.plotter.renderer, self.view, self.side, pts, min_extent_mm=min_extent_mm)

    def set_caption(self, text: str | None, *, font_size: int = 14, position: str = "lower_left") -> None:
        if self.caption_actor is not None:
            self.plotter.remove_actor(self.caption_actor, render=False)
            self.caption_actor = None
        if text:
            self.caption_actor = self.plotter.add_text(text, position=position, font_size=font_size,
                                                       color="white", shadow=True)
            prop = self.caption_actor.GetTextProperty()
            prop.SetBackgroundColor(0.06, 0.07, 0.09)
            prop.SetBackgroundOpacity(0.65)

    def set_note(self, text: str | None, *, font_size: int = 12) -> None:
        """A short note in the upper right corner (the magnification: "distraction drawn 6x, true 1.5 mm")."""
        if text == self._note:
            return
        self._note = text
        if self.note_actor is None and text:  # made once; a clip then only changes its words
            self.note_actor = self.plotter.add_text(text, position="upper_right", font_size=font_size,
                                                    color=(1.0, 0.85, 0.55), shadow=True, render=False)
            prop = self.note_actor.GetTextProperty()
            prop.SetBackgroundColor(0.06, 0.07, 0.09)
            prop.SetBackgroundOpacity(0.65)
        if self.note_actor is not None:
            self.note_actor.SetText(3, text or "")  # 3: the upper right corner of a vtkCornerAnnotation
            self.note_actor.SetVisibility(bool(text))

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

        if self.info_actor is not None:
            self.plotter.remove_actor(self.info_actor, render=False)
            self.info_actor = None
        tech = self._info_technique
        if tech is None or W_true is None or not tech.targets:
            return
        lines = describe_states(self.tissue_set, tech.targets, W_true)
        self.info_actor = self.plotter.add_text("Target tissues (true size)\n" + "\n".join(lines), position="upper_left",
                                                font_size=11, color="white", shadow=True)
        prop = self.info_actor.GetTextProperty()
        prop.SetBackgroundColor(0.06, 0.07, 0.09)
        prop.SetBackgroundOpacity(1.0)

    def add_labels(self):
        """Name every bone, with leader lines (laid out again at each render)."""
        from app.scene.labels import LabelLayer

        layer = LabelLayer(self.plotter.renderer, self.scene)
        layer.set_targets(bones=[b.name for b in self.rig.bones])
        layer.set_visible(True)
        self.labels = layer
        return layer

    def render(self) -> np.ndarray:
        """Render once and return the frame as an (h, w, 3) uint8 array."""
        self.plotter.render()
        return self.plotter.screenshot(return_img=True)

    def close(self) -> None:
        self.plotter.close()


def render_still(output: str | Path, *, view: str = "three_quarter", size=(1280, 800), side: str = "right",
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
    if view not in VIEWS:
        raise TalusError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    from app.techniques.timeline import check_magnify
    from app.userfiles import check_writable

    if magnify is not None:
        magnify = check_magnify(magnify)
    check_writable(output)  # before rendering: a missing or read-only folder, a read-only file
    stage = OffscreenStage(size, side=side, view=view)
    try:
        focus = list(focus or ())
        unknown = [b for b in focus if b not in stage.scene.meshes]
        if unknown:
            raise TalusError(f"--focus: unknown bone {', '.join(map(repr, unknown))}; bones are "
                             f"{', '.join(b.name for b in stage.rig.bones)}")
        caption = f"{'Right' if side == 'right' else 'Left'} foot - {VIEWS[view][0].lower()} view"
        W_drawn = W_true = None
        tech = None
        if technique:
            from app.techniques.library import load_library
            from app.techniques.timeline import Timeline

            result = load_library(library, rig=stage.rig)
            tech = next((t for t in result.techniques if t.id == technique), None)
            if tech is None:
                raise TalusError(f"unknown technique {technique!r} in {library or 'the bundled library'}")
            tl = Timeline(tech, stage.rig, magnify=magnify)
            if not 0 <= frame < tl.n_frames:
                raise TalusError(f"technique {technique!r} has frames 0-{tl.n_frames - 1}; frame {frame} is outside")
            from app.scene.overlays import TechniqueOverlays

            # the whole skeleton (or the bones in focus) as the technique moves it, at its extreme
            # poses, fills the picture
            stage.fit_bones(focus or [b.name for b in stage.rig.bones], timeline=tl,
                            min_extent_mm=MIN_REGION_MM if focus else 0.0)
            stage.set_note(tl.magnification_note(tl.time_of(frame)), font_size=12)

            stage.scene.set_roles(tech.worked_bones, tech.stabilised_bones)
            W = tl.transforms(frame)
            W_drawn, W_true = W, tl.true_transforms(frame)
            stage.scene.set_transforms(W)
            overlays = TechniqueOverlays(stage.plotter, stage.rig, tech, side=side, timeline=tl, meshes=stage.scene.meshes)
            overlays.set_transforms(W, frame)
            span = tl.phases[tl.phase_index(frame)]
            caption = f"{tech.name} - {span.name} - frame {frame}/{tl.n_frames - 1}\n{caption}"
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
