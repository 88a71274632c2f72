"""The main window: 3D view in the centre, technique browser left, cues and bone info right, transport
bar and coordinate readout below. Commands come from the action table (:mod:`app.ui.actions`).

Data flow::

    user -> QAction / panel -> PlaybackController (state, signals) -> panels + _show_frame()
    _show_frame(n): scene.set_transforms(timeline.transforms(n)); overlays; view.request_render()

``request_render`` schedules one repaint; Qt coalesces, so each shown frame costs one VTK render.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QDialog, QDockWidget, QFileDialog, QInputDialog, QLabel, QMainWindow, QMessageBox,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.anatomy import Rig
from app.scene.camera import frame_technique
from app.ui.actions import MENUS, build_actions, shortcut_rows, spec
from app.ui.panels import BoneInfo, CoordinateReadout, CuePanel, TechniqueBrowser, TransportBar
from app.ui.player import PlaybackController
from app.ui.view3d import SkeletonView



class MainWindow(QMainWindow):
    def __init__(self, rig: Rig, meshes, *, library=None, settings: QSettings | None = None, side: str = "right"):
        super().__init__()
        self.setWindowTitle("Talus - foot joints in motion")
        self.rig = rig
        self.settings = settings or QSettings()
        self.library = library  # LoadResult or None
        self.techniques = list(library.techniques) if library else []
        self.player = PlaybackController(rig, self)
        self.view = SkeletonView(rig, meshes, side=side, parent=self)
        self.setCentralWidget(self.view)
        self.overlays = None
        self.actions = build_actions(self)
        self._build_menus()
        self._build_docks()
        self.statusBar().showMessage("Drag to orbit, scroll to zoom, click a bone to select it.")
        self.view.bone_clicked.connect(self._on_bone_clicked)
        self.view.bone_hovered.connect(self._on_bone_hovered)
        self.player.technique_changed.connect(self._on_technique)
        self.player.timeline_changed.connect(lambda _tl: self._show_frame(self.player.frame))
        self.player.frame_changed.connect(self._show_frame)
        self.player.speed_changed.connect(lambda s: self.statusBar().showMessage(f"Speed {s:g}x", 1500))
        self.player.loop_changed.connect(self._on_loop_changed)
        self.browser.technique_selected.connect(self.open_technique)
        with_side = side == "left"
        self.actions["left_foot"].setChecked(with_side)
        from app import TECHNIQUES_PATH

        self.browser.set_techniques(self.techniques, {t.id for t in self.techniques if t.file != str(TECHNIQUES_PATH)})
        self.player.set_loop(self.actions["loop"].isChecked())
        self.resize(1400, 900)
        self._build_presentation()
        self.bookmarks_menu = self.menus["View"].addMenu("Camera &bookmarks")
        self.bookmarks_menu.aboutToShow.connect(self._fill_bookmarks_menu)
        self.player.technique_changed.connect(lambda _t: self._fill_bookmarks_menu())
        self.restore_state()

    # -- construction ---------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        menus = {name: self.menuBar().addMenu(f"&{name}") for name in MENUS}
        last_menu = None
        for aid, act in self.actions.items():
            m = spec(aid).menu
            if aid in ("quit", "reset_view", "left_foot", "presentation", "play_pause", "loop", "slower", "shortcuts"):
                if last_menu == m:
                    menus[m].addSeparator()
            menus[m].addAction(act)
            last_menu = m
        self.menus = menus

    def _dock(self, title: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title.replace(" ", "_"))
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable | QDockWidget.DockWidgetClosable)
        self.addDockWidget(area, dock)
        self.menus["View"].addAction(dock.toggleViewAction())
        return dock

    def _build_docks(self) -> None:
        self.menus["View"].addSeparator()
        self.browser = TechniqueBrowser()
        self.browser_dock = self._dock("Techniques", self.browser, Qt.LeftDockWidgetArea)
        self.cue_panel = CuePanel(self.player)
        self.cue_dock = self._dock("Cues", self.cue_panel, Qt.RightDockWidgetArea)
        self.bone_info = BoneInfo(self.rig)
        self.info_dock = self._dock("Bone", self.bone_info, Qt.RightDockWidgetArea)
        notes = list(getattr(self.library, "anatomy_notes", []) or [])
        self.bone_info.anatomy_notes = notes
        self.cue_panel.anatomy_notes = notes
        self.transport = TransportBar(self.player, self.actions)
        self.transport_dock = self._dock("Transport", self.transport, Qt.BottomDockWidgetArea)
        self.transport_dock.setTitleBarWidget(QWidget())
        self.readout = CoordinateReadout(self.player)
        self.readout_dock = self._dock("Joint coordinates", self.readout, Qt.BottomDockWidgetArea)
        self.splitDockWidget(self.transport_dock, self.readout_dock, Qt.Vertical)
        self.resizeDocks([self.browser_dock], [330], Qt.Horizontal)
        self.resizeDocks([self.cue_dock, self.info_dock], [320, 320], Qt.Horizontal)
        self.resizeDocks([self.readout_dock], [190], Qt.Vertical)

    # -- techniques -------------------------------------------------------------------------------------
    def technique(self, technique_id: str):
        return next((t for t in self.techniques if t.id == technique_id), None)

    def open_technique(self, technique_id: str, *, frame: int = 0, magnify: float | None = None,
                       turn_camera: bool = True) -> bool:
        tech = self.technique(technique_id)
        if tech is None:
            self.statusBar().showMessage(f"No technique '{technique_id}' in the library", 5000)
            return False
        self.browser.select(technique_id)
        self.player.set_technique(tech, frame=frame, magnify=magnify)
        if turn_camera:
            self.frame_technique_region()
        return True

    def frame_technique_region(self) -> None:
        """Turn the camera to a view that shows the bones the technique works on."""
        tech = self.player.technique
        if tech is None:
            return
        self.view.view = frame_technique(self.view.plotter.renderer, self.view.scene, tech, side=self.view.scene.side)
        self.view.request_render()

    def _on_technique(self, tech) -> None:
        scene = self.view.scene
        if tech is None:
            scene.set_roles()
        else:
            scene.set_roles(tech.worked_bones, tech.stabilised_bones)
            self.setWindowTitle(f"Talus - {tech.name}")
        self._rebuild_overlays()
        if self.actions["ghost"].isChecked():
            self.cmd_ghost(True)

    def _rebuild_overlays(self) -> None:
        from app.scene.overlays import TechniqueOverlays

        if self.overlays is not None:
            self.overlays.remove()
        tech = self.player.technique
        self.overlays = (TechniqueOverlays(self.view.plotter, self.rig, tech, side=self.view.scene.side,
                                          timeline=self.player.timeline, meshes=self.view.scene.meshes) if tech else None)
        if self.overlays is not None:
            self.overlays.set_visible(contacts=self.actions["show_contacts"].isChecked(),
                                      axes=self.actions["show_axes"].isChecked())

    def _show_frame(self, frame: int) -> None:
        tl = self.player.timeline
        if tl is None:
            return
        W = tl.transforms(frame)
        self.view.scene.set_transforms(W)
        if self.overlays is not None:
            self.overlays.set_transforms(W, frame)
        self.view.request_render()

    def shown_frame_transforms(self):
        """The matrices on the bone actors now (right-foot frame), for tests."""
        import numpy as np

        from app.anatomy.kinematics import mirror_transforms

        W = np.array([self.view.scene.shown_transform(b.name) for b in self.rig.bones])
        return mirror_transforms(W) if self.view.scene.side == "left" else W

    # -- bones ------------------------------------------------------------------------------------------
    def _on_bone_clicked(self, bone: str) -> None:
        self.bone_info.show_bone(bone)
        if bone:
            self.info_dock.raise_()
            self.statusBar().showMessage(f"Selected: {self.rig.bone(bone).label}", 4000)

    def _on_bone_hovered(self, bone: str) -> None:
        if bone:
            self.statusBar().showMessage(self.rig.bone(bone).label)
        else:
            self.statusBar().clearMessage()

    # -- commands (cmd_<action id>) ---------------------------------------------------------------------
    def cmd_quit(self):
        self.close()

    def _view(self, name):
        self.view.set_view(name)

    def cmd_view_lateral(self):
        self._view("lateral")

    def cmd_view_medial(self):
        self._view("medial")

    def cmd_view_dorsal(self):
        self._view("dorsal")

    def cmd_view_plantar(self):
        self._view("plantar")

    def cmd_view_anterior(self):
        self._view("anterior")

    def cmd_view_posterior(self):
        self._view("posterior")

    def cmd_view_three_quarter(self):
        self._view("three_quarter")

    def cmd_reset_view(self):
        self.view.reset_view()

    def cmd_left_foot(self, checked: bool):
        side = "left" if checked else "right"
        self.view.set_side(side)
        self.player.set_side(side)
        self._rebuild_overlays()
        if self.actions["ghost"].isChecked():
            self.cmd_ghost(True)
        self._show_frame(self.player.frame)
        self.statusBar().showMessage(f"Showing the {side} foot", 3000)

    def cmd_ghost(self, checked: bool):
        tech = self.player.technique
        bones = tech.moved_bones if tech else None
        self.view.scene.set_ghost(checked, bones)
        self.view.request_render()

    def cmd_show_axes(self, checked: bool):
        if self.overlays is not None:
            self.overlays.set_visible(axes=checked)
            self.view.request_render()

    def cmd_show_contacts(self, checked: bool):
        if self.overlays is not None:
            self.overlays.set_visible(contacts=checked)
            self.view.request_render()

    def cmd_play_pause(self):
        self.player.toggle()

    def cmd_step_back(self):
        self.player.step(-1)

    def cmd_step_forward(self):
        self.player.step(1)

    def cmd_step_back_10(self):
        self.player.step(-10)

    def cmd_step_forward_10(self):
        self.player.step(10)

    def cmd_previous_phase(self):
        self.player.previous_phase()

    def cmd_next_phase(self):
        self.player.next_phase()

    def cmd_first_frame(self):
        self.player.first()

    def cmd_last_frame(self):
        self.player.last()

    def cmd_loop(self, checked: bool):
        self.player.set_loop(checked)

    def cmd_loop_phase(self, checked: bool):
        self.player.set_loop_phase(checked)

    def _on_loop_changed(self, loop: bool, loop_phase: bool) -> None:
        for aid, value in (("loop", loop), ("loop_phase", loop_phase)):
            if self.actions[aid].isChecked() != value:
                self.actions[aid].setChecked(value)

    def cmd_pause_at_phase_end(self, checked: bool):
        self.player.set_pause_at_phase_end(checked)

    def cmd_slower(self):
        self.player.slower()

    def cmd_faster(self):
        self.player.faster()

    def cmd_normal_speed(self):
        self.player.set_speed(1.0)

    def cmd_shortcuts(self):
        dlg = QDialog(self)
        dlg.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(self.actions)
        table = QTableWidget(len(rows), 3)
        table.setHorizontalHeaderLabels(["Menu", "Command", "Keys"])
        table.verticalHeader().setVisible(False)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        lay = QVBoxLayout(dlg)
        lay.addWidget(QLabel("Every command is in the menus too. Keys work with the 3D view focused."))
        lay.addWidget(table)
        dlg.resize(560, 620)
        self.shortcuts_dialog = dlg
        dlg.show()

    def cmd_about(self):
        QMessageBox.about(self, "About Talus",
                          "<h3>Talus</h3><p>A 3D viewer of the foot's joints for people who teach and learn "
                          "massage and manual therapy.</p><p>Joint centres: Glasgow-Maastricht foot model; "
                          "axes: OpenSim gait2392, Payne et al. 2003, Manter 1941; ranges: see each "
                          "coordinate's tooltip. Techniques after a bodywork instructor's foot massage "
                          "tutorial.</p>")

    def show_problems(self, problems, title: str = "Problems in techniques files") -> QDialog:
        """List every problem (file, technique, field, what is wrong); the valid techniques stay usable."""
        dlg = QDialog(self)
        dlg.setWindowTitle(title)
        table = QTableWidget(len(problems), 4)
        table.setHorizontalHeaderLabels(["File", "Technique", "Field", "Problem"])
        table.verticalHeader().setVisible(False)
        for r, p in enumerate(problems):
            for c, text in enumerate((str(p.file), p.technique_id or "", p.path or "", p.message)):
                table.setItem(r, c, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        lay = QVBoxLayout(dlg)
        lay.addWidget(QLabel(f"{len(problems)} problem(s) found. The techniques without problems are loaded and usable."))
        lay.addWidget(table)
        dlg.resize(900, 360)
        self.problems_dialog = dlg
        dlg.show()
        return dlg

    # -- the user's own techniques ----------------------------------------------------------------------
    @property
    def user_files(self) -> list[str]:
        files = self.library.files[1:] if self.library is not None else []
        return list(dict.fromkeys(files))

    def reload_library(self, user_files: list[str]) -> list:
        """Reload the bundled library and ``user_files``; return the problems found."""
        from app import TECHNIQUES_PATH
        from app.techniques.library import load_libraries

        current = self.player.technique.id if self.player.technique else None
        self.library = load_libraries([TECHNIQUES_PATH] + list(user_files), rig=self.rig)
        self.techniques = list(self.library.techniques)
        user_ids = {t.id for t in self.techniques if t.file != str(TECHNIQUES_PATH)}
        self.browser.set_techniques(self.techniques, user_ids)
        self.settings.setValue("user_files", json.dumps(list(user_files)))
        if current and self.technique(current):
            self.browser.select(current)
        return self.library.problems

    def load_user_file(self, path: str) -> list:
        """Open a teacher's techniques file beside the bundled one; return its problems (also shown)."""
        files = [f for f in self.user_files if f != path] + [path]
        problems = [p for p in self.reload_library(files) if p.file == path]
        n = sum(1 for t in self.techniques if t.file == path)
        self.statusBar().showMessage(f"{path}: {n} technique(s) loaded, {len(problems)} problem(s)", 8000)
        if problems:
            self.show_problems(problems, title=f"Problems in {path}")
        return problems

    def cmd_open_techniques(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open techniques", str(self.settings.value("last_folder", "") or ""),
                                              "Techniques (*.json)")
        if path:
            self.load_user_file(path)

    def user_file_for_saving(self) -> str | None:
        """The user's own file to save edits into (asks for one the first time)."""
        if self.user_files:
            return self.user_files[-1]
        path, _ = QFileDialog.getSaveFileName(self, "Save your techniques in", "my-techniques.json", "Techniques (*.json)")
        return path or None

    def save_user_technique(self, path: str, technique: dict) -> None:
        """Add or replace ``technique`` in the user's file (atomically, keeping a .bak), then reload."""
        from pathlib import Path

        from app import TECHNIQUES_PATH
        from app.errors import TalusError
        from app.userfiles import write_atomically

        if Path(path).resolve() == TECHNIQUES_PATH.resolve():
            raise TalusError(f"{path}: the bundled library is never modified; save into a file of your own")
        doc = {"format": "talus-techniques", "version": 1, "techniques": []}
        if Path(path).exists():
            from app import jsonfile

            try:
                doc = jsonfile.load(path)  # a regular UTF-8 file of finite JSON, or a message
            except (OSError, jsonfile.JSONFileProblem) as exc:
                why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                raise TalusError(f"{path}: cannot read it to add your technique ({why}); nothing was changed") from None
            if not isinstance(doc, dict) or not isinstance(doc.get("techniques"), list):
                raise TalusError(f"{path}: not a techniques file; nothing was changed")
        doc["techniques"] = [t for t in doc["techniques"] if not (isinstance(t, dict) and t.get("id") == technique["id"])]
        doc["techniques"].append(technique)
        write_atomically(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        files = [f for f in self.user_files if f != path] + [path]
        self.reload_library(files)
        self.open_technique(technique["id"], turn_camera=False)
        self.statusBar().showMessage(f"Saved '{technique['name']}' in {path} (previous version kept as .bak)", 8000)

    def cmd_duplicate_technique(self) -> None:
        from app.ui.teaching import EditTechniqueDialog

        tech = self.player.technique
        if tech is None:
            self.statusBar().showMessage("Pick a technique to duplicate first", 4000)
            return
        self.edit_dialog = EditTechniqueDialog(self, tech, self.rig)
        if not self.edit_dialog.exec():
            if self.technique(tech.id):  # back to the original after a cancelled edit
                self.open_technique(tech.id, frame=self.player.frame, turn_camera=False)

    def cmd_export_video(self) -> None:
        from app.ui.teaching import ExportDialog

        tech = self.player.technique
        if tech is None:
            self.statusBar().showMessage("Pick a technique to export first", 4000)
            return
        lib = tech.file if self.library is not None and tech.file in self.user_files else None
        self.export_dialog = ExportDialog(self, tech, side=self.view.scene.side, magnify=self.player.magnify, library=lib)
        self.export_dialog.finished_export.connect(self._export_finished)
        self.export_dialog.show()

    def _export_finished(self, ok: bool, message: str) -> None:
        self.statusBar().showMessage(message, 10000)
        if not ok and "cancelled" not in message:
            QMessageBox.warning(self, "Export failed", message)

    # -- presentation mode -------------------------------------------------------------------------------
    def _build_presentation(self) -> None:
        self.caption = QLabel(self.view)
        self.caption.setWordWrap(True)
        self.caption.setAlignment(Qt.AlignCenter)
        self.caption.setStyleSheet("QLabel { color: white; background: rgba(15, 18, 24, 200); font-size: 30px;"
                                   " padding: 14px 28px; border-radius: 10px; }")
        self.caption.hide()
        self.blanker = QWidget(self.view)
        self.blanker.setStyleSheet("background: black;")
        self.blanker.setAttribute(Qt.WA_StyledBackground, True)
        self.blanker.hide()
        self.presenting = False
        self._saved_layout = None
        self.player.phase_changed.connect(lambda _i: self._update_caption())
        self.player.technique_changed.connect(lambda _t: self._update_caption())
        self.view.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802
        if obj is self.view and event.type() == event.Type.Resize:
            self._place_overlays()
        return super().eventFilter(obj, event)

    def _place_overlays(self) -> None:
        w, h = self.view.width(), self.view.height()
        self.blanker.setGeometry(0, 0, w, h)
        cw = int(w * 0.86)
        self.caption.setFixedWidth(cw)
        self.caption.adjustSize()
        self.caption.move((w - cw) // 2, h - self.caption.height() - int(h * 0.05))

    def _update_caption(self) -> None:
        tl = self.player.timeline
        if tl is None:
            self.caption.setText("")
            return
        span = tl.phases[self.player.phase]
        self.caption.setText(f"<div style='font-size: 20px; color: #f3a35c;'>{self.player.technique.name} · "
                             f"{span.index + 1}/{len(tl.phases)} {span.name}</div>{span.cue}")
        self._place_overlays()

    def cmd_presentation(self, checked: bool) -> None:
        if checked == self.presenting:
            return
        self.presenting = checked
        docks = [d for d in self.findChildren(QDockWidget)]
        if checked:
            self._saved_layout = (self.saveState(), self.isMaximized(), [d.isVisible() for d in docks])
            for d in docks:
                d.hide()
            self.menuBar().hide()
            self.statusBar().hide()
            self.showFullScreen()
            self.caption.show()
            self._update_caption()
            self.view.plotter.setFocus()
        else:
            self.caption.hide()
            self.cmd_blank(False)
            self.menuBar().show()
            self.statusBar().show()
            self.showNormal()
            if self._saved_layout is not None:
                state, maximized, visible = self._saved_layout
                self.restoreState(state)
                for d, v in zip(docks, visible):
                    d.setVisible(v)
                if maximized:
                    self.showMaximized()
        if self.actions["presentation"].isChecked() != checked:
            self.actions["presentation"].setChecked(checked)

    def cmd_leave_presentation(self) -> None:
        if self.presenting:
            self.cmd_presentation(False)

    def cmd_blank(self, checked: bool) -> None:
        self.blanker.setVisible(checked)
        if checked:
            self.blanker.raise_()
        if self.actions["blank"].isChecked() != checked:
            self.actions["blank"].setChecked(checked)

    # -- images ---------------------------------------------------------------------------------------------
    def cmd_save_image(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save image", self._suggested_name(".png"), "PNG image (*.png)")
        if not path:
            return
        w, h = self.view.plotter.width(), self.view.plotter.height()
        size, ok = QInputDialog.getText(self, "Image size", "Width x height in pixels (the view's size or another):",
                                        text=f"{w - w % 2}x{h - h % 2}")
        if not ok:
            return
        try:
            from app.cli import size_arg

            self.save_image(path, size_arg(size.strip()))
        except Exception as exc:  # argparse errors and TalusError both carry a readable message
            QMessageBox.warning(self, "Image not saved", str(exc))
            return
        self.statusBar().showMessage(f"Saved {path}", 5000)

    def _suggested_name(self, suffix: str) -> str:
        tech = self.player.technique
        base = f"{tech.id}-frame{self.player.frame}" if tech else "talus"
        return str(self.settings.value("last_folder", "") or ".") + f"/{base}{suffix}"

    def render_image(self, size: tuple[int, int]):
        """The 3D view as an (h, w, 3) image at ``size``: same camera, pose, tints, ghost and overlays,
        rendered off screen so the window is not disturbed."""
        from app.scene.offscreen import OffscreenStage
        from app.scene.overlays import TechniqueOverlays

        scene = self.view.scene
        stage = OffscreenStage(tuple(size), side=scene.side, rig=self.rig, meshes=scene.meshes)
        try:
            stage.scene.set_transforms(scene.transforms)
            stage.scene._base = dict(scene._base)
            stage.scene.select(scene.selected)
            if scene.ghost_actors:
                stage.scene.set_ghost(True, list(scene.ghost_actors))
            tech = self.player.technique
            if tech is not None and self.overlays is not None:
                ov = TechniqueOverlays(stage.plotter, self.rig, tech, side=scene.side, timeline=self.player.timeline,
                                       meshes=scene.meshes)
                ov.set_transforms(scene.transforms, self.player.frame)
                ov.set_visible(contacts=self.actions["show_contacts"].isChecked(),
                               axes=self.actions["show_axes"].isChecked())
            cam = self.view.camera_state()
            c = stage.plotter.renderer.GetActiveCamera()
            c.SetPosition(*cam["position"])
            c.SetFocalPoint(*cam["focal_point"])
            c.SetViewUp(*cam["view_up"])
            c.SetViewAngle(cam["view_angle"])
            stage.plotter.renderer.ResetCameraClippingRange()
            return stage.render()
        finally:
            stage.close()

    def save_image(self, path: str, size: tuple[int, int]) -> None:
        """Write the 3D view as a PNG at ``size`` (pixels), atomically."""
        from pathlib import Path

        from app.scene.offscreen import write_png_atomically

        target = Path(path)
        if target.suffix.lower() != ".png":
            target = target.with_suffix(".png")
        write_png_atomically(target, self.render_image(size))
        self.settings.setValue("last_folder", str(target.parent))

    # -- camera bookmarks -----------------------------------------------------------------------------------
    def bookmarks(self, technique_id: str | None = None) -> dict:
        tid = technique_id or (self.player.technique.id if self.player.technique else "_none")
        raw = self.settings.value(f"bookmarks/{tid}", "{}")
        try:
            data = json.loads(raw) if isinstance(raw, str) else {}
        except json.JSONDecodeError:
            data = {}
        return data if isinstance(data, dict) else {}

    def save_bookmark(self, name: str) -> None:
        tid = self.player.technique.id if self.player.technique else "_none"
        data = self.bookmarks(tid)
        data[name] = self.view.camera_state()
        self.settings.setValue(f"bookmarks/{tid}", json.dumps(data))
        self.settings.sync()
        self._fill_bookmarks_menu()

    def recall_bookmark(self, name: str) -> bool:
        state = self.bookmarks().get(name)
        if not state:
            return False
        self.view.set_camera_state(state)
        return True

    def cmd_bookmark_camera(self) -> None:
        tech = self.player.technique
        default = f"View {len(self.bookmarks()) + 1}"
        name, ok = QInputDialog.getText(self, "Bookmark this view",
                                        f"Name of this camera view{' for ' + tech.name if tech else ''}:", text=default)
        if ok and name.strip():
            self.save_bookmark(name.strip())
            self.statusBar().showMessage(f"Bookmarked '{name.strip()}'", 3000)

    def _fill_bookmarks_menu(self) -> None:
        menu = self.bookmarks_menu
        menu.clear()
        marks = self.bookmarks()
        if not marks:
            empty = menu.addAction("(none for this technique: View > Bookmark this view...)")
            empty.setEnabled(False)
        for name in marks:
            act = QAction(name, menu)
            act.triggered.connect(lambda _=False, n=name: self.recall_bookmark(n))
            menu.addAction(act)

    # -- remembered state -----------------------------------------------------------------------------------
    def save_state(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("side", self.view.scene.side)
        s.setValue("speed", self.player.speed)
        if self.player.technique is not None:
            s.setValue("technique", self.player.technique.id)
            s.setValue("frame", self.player.frame)
            s.setValue("magnify", self.player.magnify)
        s.sync()

    def restore_state(self) -> None:
        s = self.settings
        geometry, state = s.value("window/geometry"), s.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        side = s.value("side", None)
        if side in ("left", "right") and side != self.view.scene.side:
            self.actions["left_foot"].setChecked(side == "left")
        try:
            self.player.set_speed(float(s.value("speed", 1.0)))
        except (TypeError, ValueError):
            pass

    def restore_technique(self) -> bool:
        """Open the last technique at its frame and magnification; False if there is none to restore."""
        tid = self.settings.value("technique", None)
        if not tid or self.technique(tid) is None:
            return False
        try:
            frame = int(self.settings.value("frame", 0))
            magnify = float(self.settings.value("magnify", 0)) or None
        except (TypeError, ValueError):
            frame, magnify = 0, None
        return self.open_technique(tid, frame=frame, magnify=magnify)

    # -- lifetime -----------------------------------------------------------------------------------------
    def closeEvent(self, event):  # noqa: N802
        self.player.pause()
        if self.presenting:
            self.cmd_presentation(False)
        self.save_state()
        for dialog in self.findChildren(QDialog):  # problem lists, shortcut help, editors
            dialog.close()
        self.view.close_view()
        super().closeEvent(event)
