"""The main window assembles; it does not do. 3D view in the centre, technique browser left, cues and
bone info right, transport bar and coordinate readout below.

Who does what::

    PlaybackController (player.py)  the one owner of state: PlaybackState + DisplayState (state.py)
        emits changed(field) ------> QActions mirror it (actions.py), panels (panels.py)
                                     ScenePresenter (presenter.py): pose, overlays, ghost, side -> one render
    modes/playback.py               technique -> poses for the presenter
    modes/explore.py                sliders -> PoseModel (pose + undo) -> poses for the presenter
    modes/quiz.py                   questions on what the view shows, score kept between runs
    visibility.py                   hide / isolate / fade, the Bones panel, labels
    files.py                        the user's techniques files, duplicate-and-edit, video export dialog
    snapshot.py                     off-screen pictures of the view (Save image)
    tissues.py                      soft tissues by group, their strain (list, plot, hover), tripod and arches
    bookmarks.py                    named camera views per technique
    presentation.py                 full screen with captions, blank screen
    persistence.py                  what is remembered between runs (QSettings)
    dialogs.py                      shortcuts, about, problems list

Commands come from the action table (:mod:`app.ui.actions`), each row naming its handler.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QDockWidget, QMainWindow, QWidget

from app.anatomy import Rig
from app.ui.actions import ACTIONS, MENUS, apply_mode, build_actions, set_checked_quietly
from app.ui.bookmarks import Bookmarks
from app.ui.dialogs import Dialogs
from app.ui.files import UserFiles
from app.ui.modes.explore import ExploreMode
from app.ui.modes.playback import PlaybackMode
from app.ui.modes.quiz import QuizMode
from app.ui.panels import BoneInfo, CoordinateReadout, CuePanel, TechniqueBrowser, TransportBar
from app.ui.persistence import Persistence
from app.ui.player import PlaybackController
from app.ui.presentation import Presentation
from app.ui.presenter import ScenePresenter
from app.ui.snapshot import Snapshot
from app.ui.view3d import SkeletonView
from app.ui.visibility import Visibility


class MainWindow(QMainWindow):
    def __init__(self, rig: Rig, meshes, *, library=None, settings: QSettings | None = None, side: str = "right"):
        super().__init__()
        # Closing deletes the window with its plotter, panels, dialogs and signal connections. Without
        # it a closed window lives on (the lambdas connected to its children's signals hold it through
        # C++, out of reach of Python's collector): 17 top-level widgets and ~40 MB per window opened
        # and closed in one process.
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.setWindowTitle("Talus - foot joints in motion")
        self.rig = rig
        self.settings = settings or QSettings()
        self.library = None  # LoadResult or None
        self.techniques = []
        self.player = PlaybackController(rig, self, side=side)
        self.view = SkeletonView(rig, meshes, side=self.player.side, parent=self)
        self.setCentralWidget(self.view)
        self.presenter = ScenePresenter(self.view, self.player, rig, self)
        # services
        self.files = UserFiles(self)
        self.snapshot = Snapshot(self)
        self.dialogs = Dialogs(self)
        self.persistence = Persistence(self)
        # commands, menus, panels
        self.actions = build_actions(self)
        self._build_menus()
        self._build_docks()
        self.view.first_frame.connect(self.readout.ensure_plot, Qt.QueuedConnection)  # after the first paint
        self.presentation = Presentation(self)
        self.bookmarks = Bookmarks(self, self.menus["View"].addMenu("Camera &bookmarks"))
        self.visibility = Visibility(self)
        self.bones_dock = self.add_dock("Bones", self.visibility.panel, Qt.LeftDockWidgetArea)
        self.tabifyDockWidget(self.browser_dock, self.bones_dock)
        self.browser_dock.raise_()
        self._build_modes()
        self._tissue_layer = None  # built once the first picture is on screen (start-up stays light)
        self.view.first_frame.connect(lambda: self.tissue_layer, Qt.QueuedConnection)
        self.statusBar().showMessage("Drag to orbit, scroll to zoom, click a bone to select it.")
        self.view.bone_clicked.connect(lambda b: self.player.set_display(selected=b or None))
        self.view.bone_clicked.connect(self._on_bone_clicked)
        self.view.bone_hovered.connect(self._on_bone_hovered)
        self.player.speed_changed.connect(lambda s: self.statusBar().showMessage(f"Speed {s:g}x", 1500))
        self.player.side_changed.connect(lambda s: self.statusBar().showMessage(f"Showing the {s} foot", 3000))
        self.browser.technique_selected.connect(self.open_technique)
        self.set_library(library)
        self.resize(1400, 900)
        self.persistence.restore()

    @property
    def tissue_layer(self):
        """The soft tissues, tripod and arches with their panels (made on first use: they import VTK's
        filters and pyqtgraph, which the first frame does not need)."""
        if self._tissue_layer is None:
            from app.ui.tissues import TissueLayer

            self._tissue_layer = TissueLayer(self)
        return self._tissue_layer

    @property
    def built_tissue_layer(self):
        """The tissue layer if it has been made, else None (never makes it)."""
        return self._tissue_layer

    # -- construction ---------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        self.menus = {name: self.menuBar().addMenu(f"&{name}") for name in MENUS}
        for a in ACTIONS:
            menu = self.menus[a.menu]
            if a.separator_before and menu.actions():
                menu.addSeparator()
            menu.addAction(self.actions[a.id])

    def add_dock(self, title: str, widget: QWidget, area) -> QDockWidget:
        """A movable, closable dock whose toggle is listed in the View menu."""
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
        self.browser_dock = self.add_dock("Techniques", self.browser, Qt.LeftDockWidgetArea)
        self.cue_panel = CuePanel(self.player)
        self.cue_dock = self.add_dock("Cues", self.cue_panel, Qt.RightDockWidgetArea)
        self.bone_info = BoneInfo(self.rig)
        self.info_dock = self.add_dock("Bone", self.bone_info, Qt.RightDockWidgetArea)
        self.transport = TransportBar(self.player, self.actions)
        self.transport_dock = self.add_dock("Transport", self.transport, Qt.BottomDockWidgetArea)
        self.transport_dock.setTitleBarWidget(QWidget())
        self.readout = CoordinateReadout(self.player)
        self.readout_dock = self.add_dock("Joint coordinates", self.readout, Qt.BottomDockWidgetArea)
        self.splitDockWidget(self.transport_dock, self.readout_dock, Qt.Vertical)
        self.resizeDocks([self.browser_dock], [330], Qt.Horizontal)
        self.resizeDocks([self.cue_dock, self.info_dock], [320, 320], Qt.Horizontal)
        self.resizeDocks([self.readout_dock], [190], Qt.Vertical)

    def _build_modes(self) -> None:
        self.playback = PlaybackMode(self)
        self.explore = ExploreMode(self)
        self.quiz = QuizMode(self)
        self.modes = {"playback": self.playback, "explore": self.explore, "quiz": self.quiz}
        self.player.changed.connect(lambda name: name == "mode" and self._on_mode())
        self.sync_mode_actions()

    # -- modes --------------------------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        """Switch to ``mode`` (playback, explore, quiz)."""
        self.quiz.remember_mode(self.player.display.mode)
        self.player.set_display(mode=mode)
        self.sync_mode_actions()

    def _on_mode(self) -> None:
        mode = self.player.display.mode
        for name, m in self.modes.items():
            if name != mode and m.active:
                m.deactivate()
        self.modes[mode].activate()
        playing = mode == "playback"
        for dock in (self.cue_dock, self.transport_dock):
            dock.setVisible(playing)
        self.statusBar().showMessage(self.modes[mode].title, 3000)

    def sync_mode_actions(self) -> None:
        mode = self.player.display.mode
        for name in ("playback", "explore", "quiz"):
            if f"mode_{name}" in self.actions:
                set_checked_quietly(self.actions[f"mode_{name}"], name == mode)
        apply_mode(self.actions, mode)

    # -- library ----------------------------------------------------------------------------------------
    def set_library(self, library) -> None:
        """Show the techniques of ``library`` (a LoadResult, or None) in the browser and the panels."""
        self.library = library
        self.techniques = list(library.techniques) if library else []
        notes = list(getattr(library, "anatomy_notes", []) or [])
        self.bone_info.anatomy_notes = notes
        self.cue_panel.anatomy_notes = notes
        self.browser.set_techniques(self.techniques, self.files.user_ids())

    def technique(self, technique_id: str):
        return next((t for t in self.techniques if t.id == technique_id), None)

    def open_technique(self, technique_id: str, *, frame: int = 0, magnify: float | None = None,
                       turn_camera: bool = True) -> bool:
        return self.playback.open_technique(technique_id, frame=frame, magnify=magnify, turn_camera=turn_camera)

    def restore_technique(self) -> bool:
        return self.persistence.restore_technique()

    def shown_frame_transforms(self):
        """The matrices on the bone actors now (right-foot frame), for tests."""
        return self.presenter.shown_transforms()

    # -- bones ------------------------------------------------------------------------------------------
    def _on_bone_clicked(self, bone: str) -> None:
        self.bone_info.show_bone(bone)
        if bone and self.view.hover_names:
            self.info_dock.raise_()
            self.statusBar().showMessage(f"Selected: {self.rig.bone(bone).label}", 4000)

    def _on_bone_hovered(self, bone: str) -> None:
        if bone and self.view.hover_names:
            self.statusBar().showMessage(self.rig.bone(bone).label)
        else:
            self.statusBar().clearMessage()

    # -- lifetime -----------------------------------------------------------------------------------------
    def closeEvent(self, event):  # noqa: N802
        self.player.pause()
        if self.presentation.active:
            self.presentation.set_active(False)
        self.persistence.save()
        self.files.cancel_export()  # an export still running unwinds and removes its temporary file
        for dialog in self.findChildren(QDialog):  # problem lists, shortcut help, editors
            dialog.close()
        self.view.close_view()
        super().closeEvent(event)
