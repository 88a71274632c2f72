"""Teaching dialogs: export a video from the window, and duplicate-and-edit a technique.

Export runs ``talus export`` in a child process (QProcess): the window stays responsive, the GL work
never shares a thread with the Qt view, and Cancel sends SIGTERM, on which the exporter removes its
temporary file. The process starts as the dialog opens (:mod:`app.export.warm`) and gets ready while
the options are chosen (imports, library, meshes, shaders: about 1 s a fresh ``talus export`` spends
before its first frame); Export hands it the arguments. Edits are written to the user's own techniques file with
:func:`app.userfiles.write_atomically` (temporary file, fsync, rename, previous version kept as .bak);
the bundled ``techniques.json`` is never written.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

from PySide6.QtCore import QProcess, QProcessEnvironment, Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox, QProgressDialog,
                               QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.scene.camera import VIEWS

EXPORT_SIZES = ("1280x720", "1920x1080", "854x480", "640x360")


class ExportDialog(QDialog):
    """Choose what to export; then runs the export with a progress dialog and Cancel."""

    finished_export = Signal(bool, str)  # ok, message

    def __init__(self, window, technique, *, side: str, magnify: float | None, library: str | None = None,
                 tissues=(), arches: bool = False):
        super().__init__(window)
        self.setWindowTitle(f"Export video - {technique.name}")
        self.technique = technique
        self.side, self.magnify, self.library = side, magnify, library
        form = QFormLayout(self)
        row = QHBoxLayout()
        self.output = QLineEdit(str(Path.home() / f"{technique.id}.mp4"))
        browse = QPushButton("Browse...")
        browse.clicked.connect(self._browse)
        row.addWidget(self.output)
        row.addWidget(browse)
        form.addRow("File (.mp4, .gif, .glb 3D model, or folder/)", row)
        self.size = QComboBox()
        self.size.addItems(EXPORT_SIZES)
        form.addRow("Size", self.size)
        self.fps = QSpinBox()
        self.fps.setRange(5, 60)
        self.fps.setValue(30)
        form.addRow("Frames per second", self.fps)
        self.view = QComboBox()
        self.view.addItem("Suits the technique", None)
        for v, (label, *_rest) in VIEWS.items():
            self.view.addItem(label, v)
        form.addRow("View", self.view)
        self.start, self.end = QComboBox(), QComboBox()
        for i, p in enumerate(technique.phases):
            self.start.addItem(p.name)
            self.end.addItem(p.name)
        self.end.setCurrentIndex(len(technique.phases) - 1)
        form.addRow("From phase", self.start)
        form.addRow("To phase", self.end)
        self.speed = QDoubleSpinBox()
        self.speed.setRange(0.1, 2.0)
        self.speed.setSingleStep(0.25)
        self.speed.setValue(1.0)
        form.addRow("Speed", self.speed)
        self.loops = QSpinBox()
        self.loops.setRange(1, 20)
        form.addRow("Loops", self.loops)
        self.captions = QCheckBox("Burn the cues into the video")
        self.captions.setChecked(True)
        form.addRow("Captions", self.captions)
        self.tissue_groups, self.arches = tuple(tissues), bool(arches)
        self.tissues = QCheckBox("Draw the tissues, tripod and arches shown in the window")
        self.tissues.setChecked(bool(tissues) or bool(arches))
        self.tissues.setEnabled(bool(tissues) or bool(arches))
        form.addRow("Tissues", self.tissues)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Export")
        buttons.accepted.connect(self.start_export)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.process: QProcess | None = None
        self.progress: QProgressDialog | None = None
        self.cancelled = False
        self._stderr = ""
        self.warm: QProcess | None = self._start_warm()

    def _exporter(self) -> QProcess:
        """A process for an exporter: progress lines on standard error, off screen (EGL: no X needed)."""
        proc = QProcess(self)
        env = QProcessEnvironment.systemEnvironment()
        env.insert("TALUS_PROGRESS_LINES", "1")
        env.remove("DISPLAY")
        proc.setProcessEnvironment(env)
        proc.setWorkingDirectory(str(Path(__file__).resolve().parents[2]))
        return proc

    def _start_warm(self) -> QProcess:
        """The exporter, started now and getting ready (:mod:`app.export.warm`) while the options are chosen."""
        proc = self._exporter()
        args = ["-m", "app.export.warm", self.technique.id, "--side", self.side, "--size", self.size.currentText()]
        if self.library:
            args += ["--library", self.library]
        proc.start(sys.executable, args)
        return proc

    def _stop_warm(self) -> None:
        if self.warm is not None:
            warm, self.warm = self.warm, None
            if warm.state() != QProcess.NotRunning:
                warm.closeWriteChannel()  # an empty request: it leaves at once
                if not warm.waitForFinished(200):
                    warm.kill()
                    warm.waitForFinished(2000)

    def reject(self) -> None:  # noqa: D102 - closed without exporting (or after a failed export)
        self._stop_warm()
        super().reject()

    def _browse(self):
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.output.text(), "Video or 3D model (*.mp4 *.gif *.glb)")
        if path:
            self.output.setText(path)

    def arguments(self) -> list[str]:
        args = ["-m", "app", "export", self.technique.id, "-o", self.output.text().strip(),
                "--size", self.size.currentText(), "--fps", str(self.fps.value()),
                "--from", self.start.currentText(), "--to", self.end.currentText(),
                "--speed", f"{self.speed.value():g}", "--loops", str(self.loops.value()), "--side", self.side]
        if self.view.currentData():
            args += ["--view", self.view.currentData()]
        if self.captions.isChecked():
            args.append("--captions")
        if self.magnify:
            args += ["--magnify", f"{self.magnify:g}"]
        if self.tissues.isChecked() and self.tissue_groups:
            args += ["--tissues", ",".join(self.tissue_groups)]
        if self.tissues.isChecked() and self.arches:
            args.append("--arches")
        if self.library:
            args += ["--library", self.library]
        return args

    def start_export(self) -> None:
        warm, self.warm = self.warm, None
        if warm is not None and warm.state() != QProcess.NotRunning:  # ready, or nearly: it reads when it is
            self.process = warm
        else:  # it could not start (or died): a fresh talus export
            self.process = self._exporter()
        self.process.readyReadStandardError.connect(self._read)
        self.process.finished.connect(self._done)
        self.progress = QProgressDialog(f"Exporting {self.technique.name}...", "Cancel", 0, 100, self)
        self.progress.setWindowModality(Qt.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.canceled.connect(self.cancel)
        if self.process is warm:
            self._read()  # what it said while getting ready (READY, or a warning)
            self.process.write((json.dumps(self.arguments()[3:]) + "\n").encode())  # after "-m app export"
            self.process.closeWriteChannel()
        else:
            self.process.start(sys.executable, self.arguments())
        self.hide()

    def _read(self) -> None:
        text = bytes(self.process.readAllStandardError()).decode(errors="replace")
        for line in text.splitlines():
            if line.startswith("PROGRESS "):
                done, total = (int(x) for x in line.split()[1:3])
                self.progress.setMaximum(total)
                self.progress.setValue(done)
            elif line.strip() and line.strip() != "READY":
                self._stderr += line + "\n"

    def cancel(self) -> None:
        if self.process is not None and self.process.state() != QProcess.NotRunning:
            self.cancelled = True
            self.process.terminate()  # the exporter unwinds and removes its temporary file
            QTimer.singleShot(15000, self.process.kill)

    def _done(self, code: int, _status) -> None:
        if self.progress is not None:
            self.progress.reset()
        ok = code == 0 and not self.cancelled
        if ok:
            message = f"Exported {self.output.text().strip()}"
        elif self.cancelled:
            message = "Export cancelled; nothing was written."
        else:
            lines = [ln for ln in self._stderr.splitlines() if ln.startswith("talus:")] or self._stderr.splitlines()[-3:]
            message = "Export failed: " + " ".join(lines).replace("talus: ", "")
        self.finished_export.emit(ok, message)
        self.accept() if ok else self.reject()


def retime_keys(keys: list[dict], old_starts: list[float], old_durs: list[float], new_durs: list[float]) -> list[dict]:
    """Move key times so that each phase keeps its share of keys when its duration changes."""
    new_starts = [sum(new_durs[:i]) for i in range(len(new_durs))]
    out = []
    for k in keys:
        t = k["t"]
        i = max(j for j in range(len(old_starts)) if old_starts[j] <= t + 1e-9)
        u = (t - old_starts[i]) / old_durs[i] if old_durs[i] else 0.0
        out.append(dict(k, t=round(new_starts[i] + min(max(u, 0.0), 1.0) * new_durs[i], 4)))
    for a, b in zip(out, out[1:]):  # keep times strictly increasing after rounding
        if b["t"] <= a["t"]:
            b["t"] = round(a["t"] + 0.001, 4)
    return out


class EditTechniqueDialog(QDialog):
    """Copy of a technique with editable name, cues, phase timing and amplitudes, previewed live."""

    def __init__(self, window, technique, rig):
        super().__init__(window)
        self.window_, self.rig = window, rig
        self.source = technique
        self.setWindowTitle(f"Duplicate and edit - {technique.name}")
        raw = copy.deepcopy(technique.raw)
        self.raw = raw
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.id_edit = QLineEdit(f"{technique.id}-mine")
        self.name_edit = QLineEdit(f"{technique.name} (mine)")
        form.addRow("Id", self.id_edit)
        form.addRow("Name", self.name_edit)
        lay.addLayout(form)
        lay.addWidget(QLabel("Phases: rename, retime (seconds per pass), repeat and rewrite the cues"))
        self.phases = QTableWidget(len(raw["phases"]), 4)
        self.phases.setHorizontalHeaderLabels(["Phase", "Seconds", "Repeat", "Cue"])
        self.phases.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        for r, p in enumerate(raw["phases"]):
            self.phases.setItem(r, 0, QTableWidgetItem(p["name"]))
            sec = QDoubleSpinBox()
            sec.setRange(0.2, 60.0)
            sec.setSingleStep(0.5)
            sec.setValue(p["duration_s"])
            sec.valueChanged.connect(self._schedule)
            self.phases.setCellWidget(r, 1, sec)
            rep = QSpinBox()
            rep.setRange(1, 50)
            rep.setValue(p.get("repeat", 1))
            rep.valueChanged.connect(self._schedule)
            self.phases.setCellWidget(r, 2, rep)
            self.phases.setItem(r, 3, QTableWidgetItem(p["cue"]))
        self.phases.itemChanged.connect(self._schedule)
        lay.addWidget(self.phases)
        lay.addWidget(QLabel("Amplitudes: scale each moved coordinate (100 % = as in the original)"))
        coords = list(raw["tracks"]) + [o["coordinate"] for o in raw.get("oscillations", [])]
        self.scales: dict[str, QSpinBox] = {}
        amp = QWidget()
        amp_form = QFormLayout(amp)
        for c in dict.fromkeys(coords):
            spin = QSpinBox()
            spin.setRange(0, 300)
            spin.setSuffix(" %")
            spin.setValue(100)
            spin.valueChanged.connect(self._schedule)
            co = rig.coordinate(c)
            amp_form.addRow(f"{c} ({co.unit}, range {co.range[0]:g} to {co.range[1]:g})", spin)
            self.scales[c] = spin
        lay.addWidget(amp)
        self.status = QLabel()
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.Save)
        lay.addWidget(buttons)
        self.id_edit.textChanged.connect(self._schedule)
        self.name_edit.textChanged.connect(self._schedule)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.preview)
        self.resize(900, 640)
        self.valid = None
        self.preview()

    def _schedule(self, *_):
        self._timer.start()

    def edited(self) -> dict:
        """The technique as edited, in the file format."""
        t = copy.deepcopy(self.raw)
        t["id"] = self.id_edit.text().strip()
        t["name"] = self.name_edit.text().strip()
        old_durs = [p["duration_s"] for p in t["phases"]]
        old_starts = [sum(old_durs[:i]) for i in range(len(old_durs))]
        new_durs = []
        for r, p in enumerate(t["phases"]):
            p["name"] = self.phases.item(r, 0).text().strip()
            p["cue"] = self.phases.item(r, 3).text().strip()
            p["duration_s"] = round(self.phases.cellWidget(r, 1).value(), 3)
            reps = self.phases.cellWidget(r, 2).value()
            if reps > 1:
                p["repeat"] = reps
            else:
                p.pop("repeat", None)
            new_durs.append(p["duration_s"])
        t["duration_s"] = round(sum(new_durs), 3)
        for name, keys in t["tracks"].items():
            k = self.scales[name].value() / 100.0
            scaled = [dict(key, value=round(key["value"] * k, 4)) for key in keys]
            t["tracks"][name] = retime_keys(scaled, old_starts, old_durs, new_durs)
        for osc in t.get("oscillations", []):
            osc["amplitude"] = round(osc["amplitude"] * self.scales[osc["coordinate"]].value() / 100.0, 4)
            names = {self.raw["phases"][i]["name"]: t["phases"][i]["name"] for i in range(len(t["phases"]))}
            osc["phase"] = names.get(osc["phase"], osc["phase"])
        return t

    def preview(self) -> None:
        """Validate the edit with the library's own rules; show it in the 3D view when valid."""
        from app.techniques.library import LoadResult, parse_text

        t = self.edited()
        result = LoadResult(techniques=[x for x in self.window_.techniques if x.id not in (t["id"], self.source.id)])
        doc = {"format": "talus-techniques", "version": 1, "techniques": [t]}
        parse_text(json.dumps(doc), "(edit)", self.rig, result)
        problems = [p for p in result.problems]
        if problems:
            self.valid = None
            self.status.setText("<span style='color:#c0392b'>" + "<br>".join(
                f"{p.path}: {p.message}" for p in problems) + "</span>")
            self.save_button.setEnabled(False)
            return
        self.valid = result.techniques[-1]
        self.status.setText("<span style='color:#2e7d32'>Valid. The view shows your edit.</span>")
        self.save_button.setEnabled(True)
        player = self.window_.player
        frame = min(player.frame, 10**9)
        player.set_technique(self.valid, frame=0, magnify=player.magnify)
        player.set_frame(frame)

    def save(self) -> None:
        self.preview()
        if self.valid is None:
            return
        path = self.window_.files.file_for_saving()
        if path is None:
            return
        try:
            self.window_.files.save_technique(path, self.edited())
        except Exception as exc:  # TalusError and unexpected file content
            QMessageBox.warning(self, "Not saved", str(exc))
            return
        self.accept()
