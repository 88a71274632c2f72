"""Quiz mode: questions on what Talus shows, answered from the keyboard (1-4, Enter, Esc) or the mouse.

Question kinds (all generated from the rig, the landmarks and the technique library, so they follow the
data):

- ``highlight``  "Which bone is highlighted?"  one bone tinted, four names to choose from
- ``click``      "Click the navicular"         the answer is a click on the bone in the view
- ``technique``  "Which joint does this technique move?"  a short loop of it plays
- ``direction``  "Which way is the talus turning?"  dorsiflexion or plantarflexion, shown moving
- ``landmark``   "Which landmark is this?"     the bone isolated, a marker on one of its landmarks

:class:`QuizDeck` (pure Python) deals them in random order with no repeats until every question has
been seen; :class:`QuizProgress` is the score (answered, right, and the bones missed) kept in the
settings (``quiz/progress``, JSON) so a student sees progress between runs. The scene is the same for
either foot: the view mirrors, the questions do not change.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

KINDS = ("highlight", "click", "technique", "direction", "landmark")
DIRECTION_DEG = 18.0  # the talus turns this far in a direction question
LOOP_S = 4.0  # a technique question loops (at most) this long a stretch of its liveliest phase


@dataclass(frozen=True)
class Question:
    id: str  # stable: "highlight:talus", "landmark:talus:head", ...
    kind: str
    prompt: str
    choices: tuple[str, ...] = ()  # texts (empty for a click question)
    answer: int | str = 0  # index of the right choice, or the bone to click
    bone: str | None = None  # the bone the question is about (for "bones missed")
    technique: str | None = None
    landmark: str | None = None
    sign: float = 0.0  # direction questions: +1 dorsiflexion, -1 plantarflexion


def _choices(rng: random.Random, right: str, pool: list[str]) -> tuple[tuple[str, ...], int]:
    others = [p for p in dict.fromkeys(pool) if p != right]
    picks = rng.sample(others, min(3, len(others))) + [right]
    rng.shuffle(picks)
    return tuple(picks), picks.index(right)


def build_questions(rig, techniques=(), landmarks=None, *, seed: int | None = None) -> list[Question]:
    """Every question the data allows (choices drawn with ``seed``)."""
    from app.ui.modes.explore import joint_label

    rng = random.Random(seed)
    out: list[Question] = []
    bones = list(rig.bones)
    for b in bones:
        same = [x.label for x in bones if x.group == b.group]
        pool = same if len(same) >= 4 else [x.label for x in bones]
        choices, right = _choices(rng, b.label, pool)
        out.append(Question(f"highlight:{b.name}", "highlight", "Which bone is highlighted?", choices, right, b.name))
        out.append(Question(f"click:{b.name}", "click", f"Click the {b.label[0].lower() + b.label[1:]}",
                            (), b.name, b.name))
    joint_names = [j.name for j in rig.joints] + list(rig.functional_joints)
    labels = {j: joint_label(rig, j) for j in joint_names}
    for t in techniques:
        moved = [j for j in t.joints if j in labels]
        if not moved:
            continue
        right = labels[moved[0]]
        pool = [labels[j] for j in joint_names if j not in t.joints and labels[j] not in (labels[m] for m in moved)]
        choices, idx = _choices(rng, right, pool + [right])
        out.append(Question(f"technique:{t.id}", "technique", f"Which joint does this technique move?\n({t.name})",
                            choices, idx, technique=t.id))
    if rig.has_coordinate("talocrural.dorsiflexion"):
        for sign, word in ((1.0, "dorsiflexion"), (-1.0, "plantarflexion")):
            out.append(Question(f"direction:{word}", "direction",
                                "Which way is the talus turning: dorsiflexion or plantarflexion?",
                                ("Dorsiflexion", "Plantarflexion"), 0 if sign > 0 else 1, "talus", sign=sign))
    if landmarks is not None:
        all_labels = [m.label for m in landmarks]
        for m in landmarks:
            own = [x.label for x in landmarks.of_bone(m.bone)]
            pool = own if len(own) >= 4 else own + [x for x in all_labels if x not in own]
            choices, idx = _choices(rng, m.label, pool)
            out.append(Question(f"landmark:{m.bone}:{m.name}", "landmark",
                                f"Which landmark is this? (on the {rig.bone(m.bone).label.lower()})",
                                choices, idx, m.bone, landmark=m.name))
    return out


def liveliest_span(timeline) -> tuple[int, int]:
    """(first frame, number of frames) of the phase whose coordinates move most, at most LOOP_S long."""
    values = timeline.sample_coordinates()
    best = max(timeline.phases, key=lambda p: float(np.ptp(values[p.start_frame:max(p.end_frame, p.start_frame + 1)], axis=0).sum()))
    n = max(2, min(best.end_frame - best.start_frame, int(LOOP_S * timeline.fps)))
    return best.start_frame, min(n, timeline.n_frames - best.start_frame)


class QuizDeck:
    """Deals questions in random order; none repeats until every question has been seen."""

    def __init__(self, questions: list[Question], *, seen=(), seed: int | None = None):
        self.questions = {q.id: q for q in questions}
        self.seen: set[str] = {s for s in seen if s in self.questions}
        self.rng = random.Random(seed)
        self._order: list[str] = []

    def next(self) -> Question:
        unseen = [i for i in self.questions if i not in self.seen]
        if not unseen:  # every question seen: a new round
            self.seen.clear()
            unseen = list(self.questions)
        qid = self.rng.choice(unseen)
        self.seen.add(qid)
        return self.questions[qid]


@dataclass
class QuizProgress:
    """The score kept between runs."""

    answered: int = 0
    right: int = 0
    missed: dict[str, int] = field(default_factory=dict)  # bone -> times missed
    seen: list[str] = field(default_factory=list)

    KEY = "quiz/progress"

    @classmethod
    def load(cls, settings) -> "QuizProgress":
        raw = settings.value(cls.KEY, "")
        try:
            d = json.loads(raw) if isinstance(raw, str) and raw else {}
            p = cls(int(d.get("answered", 0)), int(d.get("right", 0)),
                    {str(k): int(v) for k, v in dict(d.get("missed", {})).items()},
                    [str(s) for s in d.get("seen", [])])
        except (TypeError, ValueError, AttributeError):
            return cls()  # a damaged score starts again rather than stopping the quiz
        if not 0 <= p.right <= p.answered:
            return cls()
        return p

    def save(self, settings) -> None:
        settings.setValue(self.KEY, json.dumps({"answered": self.answered, "right": self.right,
                                                "missed": self.missed, "seen": self.seen}))
        settings.sync()

    def record(self, question: Question, correct: bool) -> None:
        self.answered += 1
        self.right += int(correct)
        if not correct and question.bone:
            self.missed[question.bone] = self.missed.get(question.bone, 0) + 1

    def text(self, rig) -> str:
        if not self.answered:
            return "No answers yet."
        pct = 100.0 * self.right / self.answered
        worst = sorted(self.missed.items(), key=lambda kv: -kv[1])[:4]
        missed = ", ".join(f"{rig.bone(b).label} ({n})" for b, n in worst if b in rig._bone_index)
        return f"Score {self.right}/{self.answered} ({pct:.0f} %)" + (f" · most missed: {missed}" if missed else "")


class QuizPanel(QWidget):
    """The question, four answer buttons, the verdict and the score."""

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.prompt.setStyleSheet("font-size: 17px; font-weight: bold;")
        lay.addWidget(self.prompt)
        self.buttons = []
        for i in range(4):
            b = QPushButton()
            b.setFocusPolicy(Qt.NoFocus)
            b.setStyleSheet("text-align: left; padding: 6px;")
            lay.addWidget(b)
            self.buttons.append(b)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setStyleSheet("font-size: 15px;")
        lay.addWidget(self.verdict)
        row = QHBoxLayout()
        self.next = QPushButton("Next question (Enter)")
        self.leave = QPushButton("Leave (Esc)")
        self.reset = QPushButton("Reset score")
        for b in (self.next, self.leave, self.reset):
            b.setFocusPolicy(Qt.NoFocus)
            row.addWidget(b)
        lay.addLayout(row)
        self.score = QLabel()
        self.score.setWordWrap(True)
        lay.addWidget(self.score)
        lay.addStretch(1)


class QuizMode(QObject):
    name = "quiz"
    title = "Quiz yourself: 1-4 to answer, Enter for the next question, Esc to leave"
    answered = Signal(bool)

    def __init__(self, window, *, seed: int | None = None):
        super().__init__(window)
        self.window = window
        self.player = window.player
        self.presenter = window.presenter
        self.rig = window.rig
        self.active = False
        self.seed = seed
        self.question: Question | None = None
        self.verdict: bool | None = None
        self.progress = QuizProgress.load(window.settings)
        self.deck: QuizDeck | None = None
        self.panel = QuizPanel()
        self.dock = window.add_dock("Quiz", self.panel, Qt.RightDockWidgetArea)
        self.dock.hide()
        for i, b in enumerate(self.panel.buttons):
            b.clicked.connect(lambda _=False, i=i: self.choose(i))
        self.panel.next.clicked.connect(self.next_question)
        self.panel.leave.clicked.connect(self.leave)
        self.panel.reset.clicked.connect(self.reset_score)
        self._timer = QTimer(self)
        self._timer.setInterval(33)
        self._timer.timeout.connect(self._tick)
        self._t = 0
        self._marker = None
        self._before: dict | None = None
        self._previous_mode = "playback"
        window.view.bone_clicked.connect(self._on_click)

    # -- deck -------------------------------------------------------------------------------------------
    def _deck(self) -> QuizDeck:
        if self.deck is None:
            marks = getattr(self.window.visibility, "landmarks", None)
            qs = build_questions(self.rig, self.window.techniques, marks, seed=self.seed)
            self.deck = QuizDeck(qs, seen=self.progress.seen, seed=self.seed)
        return self.deck

    # -- mode ---------------------------------------------------------------------------------------------
    def activate(self) -> None:
        self.active = True
        w = self.window
        d = self.player.display
        self._before = {"hidden": d.hidden, "xray": d.xray, "labels": d.labels, "selected": d.selected}
        self.player.pause()
        self.player.set_display(labels=False, xray=False, selected=None)
        self._docks = [dk for dk in (w.info_dock, w.bones_dock, w.browser_dock, w.readout_dock) if dk.isVisible()]
        for dk in self._docks:  # they would give the answers away
            dk.hide()
        w.view.hover_names = False
        self.dock.show()
        self.dock.raise_()
        self.presenter.set_technique(None)
        self.next_question()

    def deactivate(self) -> None:
        self.active = False
        self._stop_scene()
        w = self.window
        w.view.hover_names = True
        self.dock.hide()
        for dk in getattr(self, "_docks", []):
            dk.show()
        if self._before is not None:
            self.player.set_display(**self._before)
        self.question = None

    def leave(self) -> None:
        mode = self._previous_mode if self._previous_mode != "quiz" else "playback"
        self.window.set_mode(mode)

    def remember_mode(self, mode: str) -> None:
        if mode != "quiz":
            self._previous_mode = mode

    # -- questions ------------------------------------------------------------------------------------
    def next_question(self) -> None:
        if not self.active:
            return
        self.ask(self._deck().next())

    def ask(self, q: Question) -> None:
        """Show question ``q`` (tests call this with a chosen question)."""
        self._stop_scene()
        self.question, self.verdict = q, None
        p = self.panel
        p.prompt.setText(q.prompt.replace("\n", "<br>"))
        for i, b in enumerate(p.buttons):
            if i < len(q.choices):
                b.setText(f"{i + 1}.  {q.choices[i]}")
                b.setStyleSheet("text-align: left; padding: 6px;")
                b.show()
            else:
                b.hide()
        p.verdict.setText("Click the bone in the 3D view." if q.kind == "click" else "Press 1-4 or click an answer.")
        self._set_scene(q)
        self._show_score()
        self.progress.seen = sorted(self._deck().seen)
        self.progress.save(self.window.settings)

    def choose(self, index: int) -> bool | None:
        """Answer with choice ``index`` (0-based); returns whether it was right (None: nothing to answer)."""
        q = self.question
        if q is None or self.verdict is not None or q.kind == "click" or index >= len(q.choices):
            return None
        return self._judge(index == q.answer, q.choices[q.answer], chosen=index)

    def _on_click(self, bone: str) -> None:
        q = self.question
        if not self.active or q is None or q.kind != "click" or self.verdict is not None or not bone:
            return
        self.answer_click(bone)

    def answer_click(self, bone: str) -> bool | None:
        q = self.question
        if q is None or q.kind != "click" or self.verdict is not None:
            return None
        ok = bone == q.answer
        if not ok:
            self.window.view.scene.select(q.answer)  # show where it was
            self.window.view.request_render()
        return self._judge(ok, self.rig.bone(q.answer).label, clicked=bone)

    def _judge(self, ok: bool, right_text: str, *, chosen: int | None = None, clicked: str | None = None) -> bool:
        q = self.question
        self.verdict = ok
        self.progress.record(q, ok)
        self.progress.save(self.window.settings)
        p = self.panel
        if chosen is not None:
            p.buttons[q.answer].setStyleSheet("text-align: left; padding: 6px; background: #2e7d32; color: white;")
            if not ok:
                p.buttons[chosen].setStyleSheet("text-align: left; padding: 6px; background: #c0392b; color: white;")
        extra = "" if clicked is None or ok else f" (you clicked the {self.rig.bone(clicked).label})"
        p.verdict.setText(("<b style='color:#2e7d32'>Right.</b> " if ok else
                           f"<b style='color:#c0392b'>Not quite:</b> it is <b>{right_text}</b>{extra}. ")
                          + "Enter for the next question.")
        self._show_score()
        self.answered.emit(ok)
        return ok

    def reset_score(self) -> None:
        self.progress = QuizProgress()
        if self.deck is not None:
            self.deck.seen.clear()
        self.progress.save(self.window.settings)
        self._show_score()

    def _show_score(self) -> None:
        self.panel.score.setText(self.progress.text(self.rig))

    # -- the scene of a question ----------------------------------------------------------------------
    def _set_scene(self, q: Question) -> None:
        from app.techniques.timeline import Timeline

        w = self.window
        scene = w.view.scene
        self.player.set_display(hidden=frozenset(), selected=None)
        scene.set_roles()
        scene.select(None)
        self._pose = np.zeros(len(self.rig.coordinates))
        self._timeline = None
        if q.kind == "highlight":
            scene.select(q.bone)
        elif q.kind == "technique":
            tech = w.technique(q.technique)
            self._timeline = Timeline(tech, self.rig)
            self._loop = liveliest_span(self._timeline)
            scene.set_roles(tech.worked_bones, tech.stabilised_bones)
            self._timer.start()
        elif q.kind == "direction":
            self._timer.start()
        elif q.kind == "landmark":
            self.player.set_display(hidden={b.name for b in self.rig.bones} - {q.bone})
            self._add_marker(q)
        self._t = 0
        self.presenter.show_pose(self._kin().transforms(self._pose))
        w.view.reset_view()

    def _kin(self):
        if not hasattr(self, "_kinematics"):
            from app.anatomy import Kinematics

            self._kinematics = Kinematics(self.rig)
        return self._kinematics

    def _tick(self) -> None:
        q = self.question
        self._t += 1
        if q is None:
            return
        if q.kind == "technique" and self._timeline is not None:
            start, n = self._loop
            self.presenter.show_pose(self._timeline.transforms(start + self._t % n))
        elif q.kind == "direction":
            c = self.rig.coordinate("talocrural.dorsiflexion")
            phase = (self._t % 45) / 45.0  # 1.5 s: from neutral, turn, hold, back
            amount = min(1.0, phase * 2.5) if phase < 0.6 else max(0.0, 1.0 - (phase - 0.6) * 2.5)
            self._pose[c.index] = q.sign * DIRECTION_DEG * amount
            self.presenter.show_pose(self._kin().transforms(self._pose))

    def _add_marker(self, q: Question) -> None:
        import pyvista as pv

        from app.scene.skeleton import make_actor

        marks = self.window.visibility.landmarks
        m = marks.get(q.bone, q.landmark)
        p = np.asarray(m.point_mm, float)
        if self.player.side == "left":
            p = p * np.array([1.0, 1.0, -1.0])
        W = self.window.view.scene.shown_transform(q.bone)
        centre = W[:3, :3] @ p + W[:3, 3]
        actor = make_actor(pv.Sphere(radius=3.2, center=centre).triangulate(), (0.85, 0.12, 0.12), ambient=0.5)
        actor.PickableOff()
        self.window.view.plotter.renderer.AddActor(actor)
        self._marker = actor

    def _stop_scene(self) -> None:
        self._timer.stop()
        if self._marker is not None:
            self.window.view.plotter.renderer.RemoveActor(self._marker)
            self._marker = None
        self.window.view.request_render()
