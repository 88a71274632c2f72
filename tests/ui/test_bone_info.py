"""The bone panel lists the clicked bone's named landmarks (the places contacts and labels refer to)."""

from app.anatomy.landmarks import load_landmarks
from app.ui.panels import BoneInfo


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
    info.show_bone("middle_phalanx_3")  # a bone without landmarks says nothing about them
    assert "Landmarks" not in info.toPlainText()
