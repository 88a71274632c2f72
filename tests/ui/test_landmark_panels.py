"""The panels name what the contacts refer to: a clicked bone lists its landmarks, and the technique's
notes list each hand with the phases it is there."""

from app.anatomy.landmarks import load_landmarks
from app.ui.panels import BoneInfo, CuePanel
from app.ui.player import PlaybackController


def test_bone_info_lists_the_bones_landmarks(qtbot, rig):
    info = BoneInfo(rig)
    qtbot.addWidget(info)
    marks = load_landmarks(bones=set(rig.bone_names))
    for bone in ("navicular", "metatarsal_5", "talus"):
        info.show_bone(bone)
        text = info.toPlainText()
        assert "Landmarks" in text
        for m in marks.of_bone(bone):
            if m.kind != "attachment":
                assert m.label in text and m.name in text, (bone, m.name)
    from app.anatomy.landmarks import Landmarks

    # a bone without landmarks says nothing about them (every bundled bone has some: drop one's)
    info._landmarks = Landmarks([m for m in marks if m.bone != "middle_phalanx_3"], marks.path)
    info.show_bone("middle_phalanx_3")
    assert "Landmarks" not in info.toPlainText()


def test_the_hands_list_says_when_each_hand_is_there(qtbot, rig, lib):
    player = PlaybackController(rig)
    panel = CuePanel(player)
    qtbot.addWidget(panel)
    t = lib.technique("metatarsal-scissoring")
    player.set_technique(t)
    text = panel.notes.toPlainText()
    for c in t.contacts:
        assert f"{c.label} ({', '.join(c.phases)})" in text
    player.set_technique(lib.technique("talocrural-traction"))  # hands there throughout: no phases shown
    text = panel.notes.toPlainText()
    for c in lib.technique("talocrural-traction").contacts:
        assert c.label in text and f"{c.label} (" not in text
