"""The quiz: every kind of question accepts its right answer and rejects a wrong one, from the keyboard
or the view; questions do not repeat until all are seen; the score survives a restart."""

import pytest
from PySide6.QtCore import Qt

from app.ui.modes.quiz import KINDS, QuizDeck, QuizProgress, build_questions


def test_questions_of_every_kind_come_from_the_data(rig, lib):
    from app.anatomy.landmarks import load_landmarks

    marks = load_landmarks(bones={b.name for b in rig.bones})
    qs = build_questions(rig, lib.techniques, marks, seed=1)
    assert {q.kind for q in qs} == set(KINDS)
    assert any(q.id == "click:navicular" and q.prompt == "Click the navicular" for q in qs)
    for q in qs:
        if q.choices:
            assert len(set(q.choices)) == len(q.choices) and 0 <= q.answer < len(q.choices)
        if q.kind in ("highlight", "technique", "landmark"):
            assert len(q.choices) == 4
    t = next(q for q in qs if q.kind == "technique")
    tech = lib.technique(t.technique)
    from app.ui.modes.explore import joint_label

    assert t.choices[t.answer] in {joint_label(rig, j) for j in tech.joints}
    assert not set(t.choices) - {t.choices[t.answer]} & {joint_label(rig, j) for j in tech.joints}


def test_no_question_repeats_until_all_are_seen(rig):
    qs = build_questions(rig, seed=2)
    deck = QuizDeck(qs, seed=3)
    first_round = [deck.next().id for _ in qs]
    assert sorted(first_round) == sorted(q.id for q in qs)
    assert deck.next().id in {q.id for q in qs}  # then a new round begins


def wrong(q):
    return (q.answer + 1) % len(q.choices)


@pytest.fixture
def quiz(make_window, qtbot):
    def make(side="right", settings_=None):
        win = make_window(side=side, settings_=settings_)
        win.view.plotter.setFocus()
        qtbot.keyClick(win.view.plotter, Qt.Key_3, Qt.ControlModifier)
        assert win.player.display.mode == "quiz" and win.quiz.question is not None
        return win
    return make


def ask(win, kind, n=0):
    q = [q for q in win.quiz.deck.questions.values() if q.kind == kind][n]
    win.quiz.ask(q)
    return q


@pytest.mark.parametrize("kind", ["highlight", "technique", "direction", "landmark"])
def test_choice_questions_accept_the_right_answer_and_reject_a_wrong_one_from_the_keys(quiz, qtbot, kind):
    win = quiz()
    keys = [Qt.Key_1, Qt.Key_2, Qt.Key_3, Qt.Key_4]
    q = ask(win, kind)
    before = win.quiz.progress.answered, win.quiz.progress.right
    qtbot.keyClick(win.view.plotter, keys[q.answer])
    assert win.quiz.verdict is True
    assert (win.quiz.progress.answered, win.quiz.progress.right) == (before[0] + 1, before[1] + 1)
    q = ask(win, kind, 1 if kind != "direction" else 1)
    qtbot.keyClick(win.view.plotter, keys[wrong(q)])
    assert win.quiz.verdict is False
    assert win.quiz.progress.right == before[1] + 1 and win.quiz.progress.answered == before[0] + 2
    qtbot.keyClick(win.view.plotter, Qt.Key_Return)  # Enter: the next question
    assert win.quiz.question is not q and win.quiz.verdict is None


def test_the_question_shows_what_it_asks_about(quiz, qtbot, rig):
    win = quiz()
    q = ask(win, "highlight")
    assert win.view.scene.selected == q.bone
    q = ask(win, "landmark")
    assert {n for n, a in win.view.scene.actors.items() if a.GetVisibility()} == {q.bone}
    assert win.quiz._marker is not None
    q = ask(win, "technique")
    poses = set()
    for _ in range(6):
        qtbot.wait(70)
        poses.add(win.shown_frame_transforms().tobytes())
    assert len(poses) > 1  # a short loop of it plays
    from app.anatomy import Kinematics

    kin = Kinematics(rig)
    c = rig.coordinate("talocrural.dorsiflexion")
    for n in (0, 1):
        q = ask(win, "direction", n)
        qtbot.waitUntil(lambda: abs(win.quiz._pose[c.index]) > 5.0, timeout=3000)
        value = win.quiz._pose[c.index]
        assert value * q.sign > 0  # dorsiflexion question: the talus turns to + (dorsiflexion)
        pose = win.quiz._pose.copy()
        shown = win.shown_frame_transforms()
        if (win.quiz._pose == pose).all():
            assert abs(shown[rig.bone("talus").index] - kin.transforms(pose)[rig.bone("talus").index]).max() < 1e-9


@pytest.mark.parametrize("side", ["right", "left"])
def test_click_questions_take_a_click_on_the_right_bone(quiz, qtbot, side):
    from tests.ui.test_window import click_display

    win = quiz(side=side)
    q = win.quiz.deck.questions["click:navicular"]
    win.quiz.ask(q)
    win.view.set_view("medial")
    qtbot.wait(50)
    x, y = win.view.display_position(win.view.bone_centre("navicular"))
    assert win.view.pick(x, y) == "navicular"
    click_display(qtbot, win, x, y)
    qtbot.waitUntil(lambda: win.quiz.verdict is not None, timeout=2000)
    assert win.quiz.verdict is True
    win.quiz.ask(win.quiz.deck.questions["click:talus"])
    x, y = win.view.display_position(win.view.bone_centre("metatarsal_1"))
    click_display(qtbot, win, x, y)
    qtbot.waitUntil(lambda: win.quiz.verdict is not None, timeout=2000)
    assert win.quiz.verdict is False
    assert win.quiz.progress.missed.get("talus") == 1


def test_the_score_and_the_bones_missed_persist_between_runs(quiz, qtbot, settings):
    win = quiz()
    q = ask(win, "highlight")
    win.quiz.choose(wrong(q))
    q2 = ask(win, "highlight", 1)
    win.quiz.choose(q2.answer)
    seen = set(win.quiz.deck.seen)
    win.close()
    again = quiz(settings_=settings)
    p = again.quiz.progress
    assert (p.answered, p.right) == (2, 1) and p.missed == {q.bone: 1}
    assert seen <= set(again.quiz.deck.seen)
    assert "Score 1/2" in again.quiz.panel.score.text()


def test_a_damaged_score_starts_again(settings):
    settings.setValue(QuizProgress.KEY, "{not json")
    assert QuizProgress.load(settings) == QuizProgress()


def test_esc_leaves_the_quiz_and_gives_back_the_view(quiz, qtbot, rig):
    win = quiz()
    ask(win, "landmark")
    qtbot.keyClick(win.view.plotter, Qt.Key_Escape)
    assert win.player.display.mode == "playback"
    assert all(a.GetVisibility() for a in win.view.scene.actors.values())
    assert win.quiz._marker is None
    qtbot.keyClick(win.view.plotter, Qt.Key_1)  # the view presets have their keys back
    assert win.view.view == "lateral"
