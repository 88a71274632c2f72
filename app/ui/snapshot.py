"""Pictures of the 3D view: the window's view re-rendered off screen at any size, written as PNG.

The picture has the view's camera, pose, tints, selection, ghost and overlays, rendered by an
:class:`~app.scene.offscreen.OffscreenStage` so the window itself is not disturbed (no resize, no
flash). Files are written atomically (:func:`app.scene.offscreen.write_png_atomically`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from app.errors import TalusError
from app.imagesize import parse_size


class Snapshot:
    def __init__(self, window):
        self.window = window

    def render_image(self, size: tuple[int, int]):
        """The 3D view as an (h, w, 3) uint8 image of ``size`` = (width, height) pixels."""
        from app.scene.offscreen import OffscreenStage
        from app.scene.overlays import TechniqueOverlays

        w = self.window
        scene = w.view.scene
        display = w.player.display
        stage = OffscreenStage(tuple(size), side=display.side, rig=w.rig, meshes=scene.meshes)
        try:
            stage.scene.set_transforms(scene.transforms)
            stage.scene.copy_look(scene)
            if scene.ghost_actors:
                stage.scene.set_ghost(True, list(scene.ghost_actors))
            tech = w.presenter.technique
            if tech is not None and w.presenter.overlays is not None:
                ov = TechniqueOverlays(stage.plotter, w.rig, tech, side=display.side, timeline=w.presenter.timeline,
                                       meshes=scene.meshes)
                ov.set_transforms(scene.transforms, w.presenter.frame)
                ov.set_visible(contacts=display.contacts, axes=display.axes)
                for bone, actor in ov.contact_actors + ov.axis_actors:
                    if bone in display.hidden:
                        actor.SetVisibility(False)
            if display.tissue_groups or display.tripod:  # the tissues and arches as drawn in the window
                stage.show_tissues(display.tissue_groups, arches=display.tripod, targets=tech.targets if tech else ())
                stage.scene.copy_look(scene)
                stage.pose_tissues(scene.transforms, getattr(w.tissue_layer, "_W_true", None))
            w.view.copy_camera_to(stage.plotter.renderer)
            return stage.render()
        finally:
            stage.close()

    def save_image(self, path: str, size: tuple[int, int]) -> Path:
        """Write the 3D view as a PNG at ``size`` (pixels), atomically; return the path written."""
        from app.scene.offscreen import write_png_atomically

        target = Path(path)
        if target.suffix.lower() != ".png":
            target = target.with_suffix(".png")
        write_png_atomically(target, self.render_image(size))
        self.window.settings.setValue("last_folder", str(target.parent))
        return target

    def suggested_name(self, suffix: str) -> str:
        w = self.window
        tech = w.player.technique
        base = f"{tech.id}-frame{w.player.frame}" if tech else "talus"
        return str(w.settings.value("last_folder", "") or ".") + f"/{base}{suffix}"

    def save_dialog(self) -> None:
        w = self.window
        path, _ = QFileDialog.getSaveFileName(w, "Save image", self.suggested_name(".png"), "PNG image (*.png)")
        if not path:
            return
        pw, ph = w.view.plotter.width(), w.view.plotter.height()
        text, ok = QInputDialog.getText(w, "Image size", "Width x height in pixels (the view's size or another):",
                                        text=f"{pw - pw % 2}x{ph - ph % 2}")
        if not ok:
            return
        try:
            written = self.save_image(path, parse_size(text.strip()))
        except TalusError as exc:
            QMessageBox.warning(w, "Image not saved", str(exc))
            return
        w.statusBar().showMessage(f"Saved {written}", 5000)
