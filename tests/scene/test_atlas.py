"""talus atlas: every bone asked for is drawn, at one scale, labelled, off screen."""

import numpy as np
import pytest

from app.cli import main


def drawn_regions(img):
    """Connected areas of bone colour (the background is a flat slate)."""
    from scipy import ndimage

    bone = (img[..., 0] > 150) & (img[..., 1] > 140) & (img[..., 2] > 120)
    labels, n = ndimage.label(bone)
    sizes = ndimage.sum(bone, labels, range(1, n + 1))
    return labels, sizes


@pytest.mark.parametrize("side", ["right", "left"])
def test_atlas_draws_each_bone_asked_for_at_one_scale(tmp_path, side):
    import imageio.v3 as iio

    out = tmp_path / "bones.png"
    assert main(["atlas", "-o", str(out), "--bones", "talus,calcaneus,distal_phalanx_5", "--size", "1200x800",
                 "--side", side]) == 0
    img = iio.imread(out)
    assert img.shape[:2] == (800, 1200)
    _, sizes = drawn_regions(img)
    big = sorted(sizes[sizes > 30], reverse=True)
    assert len(big) >= 3  # two hindfoot bones and a tiny fifth distal phalanx (text is thin and small)
    # one scale: the calcaneus covers far more of the sheet than the little distal phalanx
    assert big[0] > 20 * big[-1]


def test_atlas_of_every_bone(tmp_path, rig):
    import imageio.v3 as iio

    out = tmp_path / "all.png"
    assert main(["atlas", "-o", str(out), "--size", "1600x1400"]) == 0
    _, sizes = drawn_regions(iio.imread(out))
    assert (sizes > 40).sum() >= len(rig.bones) - 2  # the sesamoids may be smaller than that
