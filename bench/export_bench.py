"""Export speed: a 720p30 MP4 with captions of a real technique, clip duration / wall time (median of 3)."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def measure_export_realtime_ratio(technique_id: str = "talocrural-jostle", seconds: float = 4.0, runs: int = 3) -> dict:
    from app.anatomy import load_rig
    from app.export.video import export_technique
    from app.scene.skeleton import load_bone_meshes
    from app.techniques.library import load_library

    rig = load_rig()
    tech = load_library(rig=rig).technique(technique_id)
    meshes = load_bone_meshes(rig)
    ratios = []
    with tempfile.TemporaryDirectory() as d:
        for i in range(runs):
            t = time.perf_counter()
            export_technique(tech, rig, Path(d) / f"clip{i}.mp4", size=(1280, 720), fps=30, start=0.0, end=seconds,
                             captions=True, meshes=meshes)
            ratios.append(seconds / (time.perf_counter() - t))
    return {"export_realtime_ratio": round(statistics.median(ratios), 3),
            "export_runs": [round(r, 3) for r in ratios], "export_clip": f"{technique_id}, {seconds:g} s, 1280x720, 30 fps, captions"}


if __name__ == "__main__":
    print(measure_export_realtime_ratio())
