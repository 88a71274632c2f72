"""The calcaneus shows the features a student names it by (foot-bone-morphology.md §3).

Measured on the committed mesh, foot frame at neutral (mm; X anterior, Y superior, Z lateral, right foot).
"""

import numpy as np
import pytest
import trimesh

from app import MESH_DIR


@pytest.fixture(scope="module")
def calc(rig):
    return trimesh.load(MESH_DIR / rig.bone("calcaneus").mesh, process=False)


@pytest.fixture(scope="module")
def v(calc):
    return np.asarray(calc.vertices)


def _top(v, x0, x1):
    s = v[(v[:, 0] >= x0) & (v[:, 0] <= x1)]
    return s[np.argmax(s[:, 1])]


def test_one_solid_piece_standing_on_the_ground(calc, v):
    assert len(calc.split(only_watertight=False)) == 1  # no detached sustentaculum or trochlea
    assert 0.0 <= v[:, 1].min() < 1.0  # the heel touches the ground, nothing below it


def test_width_and_height_are_those_of_an_adult_calcaneus(v):
    """W 42-45, H 42-45 (§3 build target; [KCal] W 43.0 ± 4.0); in the foot frame the height includes
    the pitch and the posterior facet, the width the sustentaculum and the peroneal trochlea."""
    assert 42.0 <= np.ptp(v[:, 2]) <= 45.0
    assert 44.0 <= np.ptp(v[:, 1]) <= 54.0


def test_the_heel_seen_from_behind_is_wider_below_than_above(v):
    back = v[v[:, 0] < v[:, 0].min() + 14.0]
    low = back[(back[:, 1] > 4.0) & (back[:, 1] < 14.0)]
    high = back[(back[:, 1] > 30.0) & (back[:, 1] < 40.0)]
    assert np.ptp(low[:, 2]) > np.ptp(high[:, 2]) + 4.0


def test_the_tuberosity_from_the_side_is_a_block_with_a_flat_back_not_a_ball(calc, v):
    """From the side the tuberosity is a tall quadrangular block ([Gray268]): its posterior surface nearly
    flat between 30 % and 80 % of its height, leaning forward at the top, and standing up nearly to the
    superior border (a rounded posterosuperior corner, the bursal prominence, not the arc of a ball)."""
    xmin = v[:, 0].min()
    height = v[v[:, 0] < xmin + 12.0][:, 1].max()

    def back(y):  # the side silhouette's most posterior point at height y (the exact cross-section:
        # the decimated mesh has few vertices on a flat surface)
        return calc.section(plane_origin=(0.0, y, 0.0), plane_normal=(0.0, 1.0, 0.0)).vertices[:, 0].min()

    ys = np.arange(0.3 * height, 0.8 * height, 1.0)
    xb = np.array([back(y) for y in ys])
    line = np.polyfit(ys, xb, 1)
    assert np.abs(xb - np.polyval(line, ys)).max() < 0.8  # flat, only slightly convex
    assert 5.0 <= np.degrees(np.arctan(line[0])) <= 15.0  # leaning forward at the top
    # at 90 % of its height the back has fallen away from that line by less than 2 mm (a ball: 3+)
    assert back(0.9 * height) - np.polyval(line, 0.9 * height) < 2.0


def test_the_upper_contour_gives_a_boehler_angle_near_32_degrees(v):
    """Tuber top, summit of the posterior facet, top of the anterior process: within [KCal] 32.3 ± 5.0."""
    xmin, xmax = v[:, 0].min(), v[:, 0].max()
    tuber = _top(v, xmin, xmin + 22.0)
    summit = _top(v, xmin + 35.0, xmin + 60.0)
    front = _top(v[v[:, 2] > -4.0], xmax - 10.0, xmax)  # the anterior process, not the sustentaculum
    a1 = np.degrees(np.arctan2(summit[1] - tuber[1], summit[0] - tuber[0]))
    a2 = np.degrees(np.arctan2(summit[1] - front[1], front[0] - summit[0]))
    assert summit[1] > tuber[1] + 3.0 and summit[1] > front[1] + 3.0
    assert 27.3 <= a1 + a2 <= 37.3, (a1, a2)


def test_the_plantar_surface_rises_forward_at_the_calcaneal_pitch(v):
    """Calcaneal pitch 20-30 deg ([pacs-CI]); GM 24.4 deg."""
    low = v[v[:, 1] < 1.0]
    front = v[(v[:, 0] > 38.0) & (v[:, 0] < 44.0)]
    x0 = low[:, 0].mean()
    pitch = np.degrees(np.arctan2(front[:, 1].min(), 41.0 - x0))
    assert 15.0 <= pitch <= 32.0, pitch


def test_the_plantar_surface_rises_to_an_anterior_tubercle(v, rig):
    """The short plantar ligament's tubercle ([Feneis]) stands out of the plantar surface behind the
    cuboid facet: below the chord of the plantar profile from 24 to 6 mm behind the joint."""
    cc = rig.joint("calcaneocuboid").centre_mm[0]
    band = v[(v[:, 2] > 0.0) & (v[:, 2] < 10.0)]

    def low(x):
        return band[np.abs(band[:, 0] - x) < 1.0][:, 1].min()

    x0, x1 = cc - 24.0, cc - 6.0
    below = [low(x0) + (low(x1) - low(x0)) * (x - x0) / (x1 - x0) - low(x) for x in np.arange(cc - 16.0, cc - 9.0)]
    assert max(below) > 1.5, below


def test_the_anterior_process_rises_to_a_beak_in_front_of_the_sinus_tarsi(v, rig):
    """The beak (bifurcate ligament origin) is a broad rounded top, not a fin, and the calcaneal sulcus
    / sinus tarsi is a clear groove between it and the posterior facet ([Feneis], [Radiop-Bif])."""
    cc = rig.joint("calcaneocuboid").centre_mm[0]
    band = v[(v[:, 2] > 0.0) & (v[:, 2] < 10.0)]
    front = band[(band[:, 0] > cc - 8.0) & (band[:, 0] < cc)]
    beak = front[np.argmax(front[:, 1])]
    top = band[(band[:, 0] > cc - 10.0) & (band[:, 1] > beak[1] - 2.0)]
    assert np.ptp(top[:, 0]) >= 5.0  # at least 5 mm long within 2 mm of its top
    sinus = [band[np.abs(band[:, 0] - x) < 0.75][:, 1].max() for x in np.arange(cc - 16.0, beak[0])]
    assert min(sinus) < beak[1] - 3.0


def test_the_sustentaculum_is_a_medial_shelf_under_the_talar_neck(v, rig):
    sub = rig.joint("subtalar").centre_mm
    p = v[np.argmin(v[:, 2])]  # the most medial point of the bone
    assert sub[0] - 14.0 <= p[0] <= sub[0] + 6.0  # under the talar neck, not at the heel
    assert 35.0 <= p[1] <= 48.0  # high on the medial face
    # it overhangs: below the shelf the medial face lies well lateral of its margin (the FHL groove
    # and the hollow of the medial face)
    below = v[(np.abs(v[:, 0] - p[0]) < 4.0) & (v[:, 1] > 18.0) & (v[:, 1] < p[1] - 12.0)]
    assert below[:, 2].min() > p[2] + 6.0
    # flat-topped (the middle facet): along its margin the top stays level
    high = v[v[:, 1] > 30.0]
    margin = high[high[:, 2] < p[2] + 3.0]
    tops = [v[(np.abs(v[:, 0] - x) < 1.0) & (v[:, 2] < p[2] + 6.0)][:, 1].max()
            for x in np.arange(margin[:, 0].min(), margin[:, 0].max() + 0.1)]
    assert np.ptp(tops) < 2.4, tops


def test_the_peroneal_trochlea_stands_out_of_the_lateral_face(v, rig):
    cc = rig.joint("calcaneocuboid").centre_mm
    x, y = cc[0] - 22.5, cc[1] - 8.0  # below the lateral malleolus ([GM] §8.1)
    near = v[(np.abs(v[:, 0] - x) < 4.0) & (np.abs(v[:, 1] - y) < 3.0)]
    around = v[(np.abs(v[:, 0] - x) < 4.0) & (np.abs(v[:, 1] - y) > 7.0) & (np.abs(v[:, 1] - y) < 10.0)]
    assert near[:, 2].max() > around[:, 2].max() + 1.5
