"""Names on the model: bone (or landmark) labels with leader lines that stay readable as the camera turns.

Layout, in display pixels (origin bottom-left), recomputed before every render:

1. each item has an *anchor*: for a bone, the point of its surface nearest the camera close to the
   middle of its silhouette (so the leader line ends on the side you see); for a landmark, the landmark;
2. labels go in two columns beside the skeleton's silhouette (left items left, right items right),
   clamped to the view; a label that would cover the bone it names moves to the other column;
   (a label never covers a sampled point of its own bone's silhouette when the other column is free);
3. in each column labels keep the vertical order of their anchors and are pushed apart so that no two
   overlap (:func:`stack`);
4. a column keeps clear of the view's panels (the strain legend, captions, notes: *keep-out*
   rectangles): labels go above or below a panel in the column's way, in their order, each as near
   its anchor as the room allows (:func:`stack_avoiding`); only when they cannot all fit do they
   cover it.

:func:`layout` is pure numpy (tests call it); :class:`LabelLayer` draws the result with VTK 2D actors
(text with a dark backing, one poly-line actor for every leader), in the window and off screen alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from app.scene import vtkmin as vtk

FONT_SIZE = 13
PAD_PX = 3  # text padding inside its backing
GAP_PX = 18  # between the silhouette and a column
MARGIN_PX = 6  # between a column and the edge of the view
SPACING_PX = 2  # between two labels of a column
LABEL_RGB = (0.96, 0.96, 0.92)
LEADER_RGB = (0.98, 0.66, 0.30)


@dataclass
class LabelItem:
    key: str  # bone name, or "bone:landmark"
    text: str
    anchor: np.ndarray  # display px (x, y)
    size: tuple[float, float]  # label width, height in px (with padding)
    owner_points: np.ndarray  # (n, 2) display px of points on what it names (its silhouette, sampled)


@dataclass
class PlacedLabel:
    item: LabelItem
    rect: tuple[float, float, float, float]  # x0, y0, x1, y1 (display px)

    @property
    def attach(self) -> tuple[float, float]:
        """Where the leader line meets the label: the side facing the anchor, mid-height."""
        x0, y0, x1, y1 = self.rect
        ax = self.item.anchor[0]
        return (x1 if ax > x1 else x0 if ax < x0 else (x0 + x1) / 2, (y0 + y1) / 2)


def overlaps(a, b, tol: float = 0.0) -> bool:
    """Do two rectangles (x0, y0, x1, y1) overlap by more than ``tol`` px?"""
    return min(a[2], b[2]) - max(a[0], b[0]) > tol and min(a[3], b[3]) - max(a[1], b[1]) > tol


def covers(rect, points: np.ndarray, tol: float = 1.0) -> bool:
    """Does ``rect`` (x0, y0, x1, y1) cover any of ``points`` ((n, 2) px), ``tol`` px inside its edges?"""
    p = np.asarray(points, float).reshape(-1, 2)
    return bool(np.any((p[:, 0] > rect[0] + tol) & (p[:, 0] < rect[2] - tol) & (p[:, 1] > rect[1] + tol) & (p[:, 1] < rect[3] - tol)))


def stack(desired_y: np.ndarray, heights: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Bottom edges for labels wanting their centres at ``desired_y`` (any order), kept in that order,
    inside [lo, hi] when they fit, never overlapping."""
    order = np.argsort(-desired_y)  # top first
    n = len(order)
    y = np.zeros(n)
    top = hi
    for k, i in enumerate(order):  # downward pass: as close to the anchor as the label above allows
        want = desired_y[i] - heights[i] / 2
        y[i] = min(want, top - heights[i])
        top = y[i] - SPACING_PX
    floor = lo
    for i in order[::-1]:  # upward pass: push back inside the bottom edge
        if y[i] < floor:
            y[i] = floor
        floor = y[i] + heights[i] + SPACING_PX
    return y


def free_spans(lo: float, hi: float, blocked) -> list[tuple[float, float]]:
    """The parts of [lo, hi] outside the ``blocked`` intervals (y0, y1), each kept SPACING_PX clear of them."""
    spans = [(lo, hi)]
    for b0, b1 in sorted(blocked):
        out = []
        for a0, a1 in spans:
            if b1 <= a0 or b0 >= a1:
                out.append((a0, a1))
                continue
            if b0 - SPACING_PX > a0:
                out.append((a0, b0 - SPACING_PX))
            if b1 + SPACING_PX < a1:
                out.append((b1 + SPACING_PX, a1))
        spans = out
    return spans


def stack_avoiding(desired_y: np.ndarray, heights: np.ndarray, lo: float, hi: float, blocked=()) -> np.ndarray:
    """:func:`stack`, with no label in the ``blocked`` intervals (y0, y1) of [lo, hi].

    The labels, in the order of their wanted heights, are split into runs, one per free span (bottom
    run in the lowest span); of the splits whose runs fit, the one moving the labels least from where
    they want to be (summed) wins, by dynamic programming over the spans. When none fits, the labels
    are stacked as if nothing were blocked (covering a panel rather than losing a name)."""
    spans = free_spans(lo, hi, blocked)
    n = len(desired_y)
    if not blocked or n == 0 or not spans:
        return stack(desired_y, heights, lo, hi)
    order = np.argsort(desired_y, kind="stable")  # bottom first
    need = np.concatenate([[0.0], np.cumsum(heights[order] + SPACING_PX)])  # height of the first i, spaced

    def run(i: int, j: int, span) -> tuple[float, np.ndarray | None]:
        """Cost and bottoms of labels order[i:j] stacked in ``span``; (inf, None) when they do not fit."""
        if j == i:
            return 0.0, np.zeros(0)
        if need[j] - need[i] - SPACING_PX > span[1] - span[0] + 1e-9:
            return np.inf, None
        idx = order[i:j]
        y = stack(desired_y[idx], heights[idx], span[0], span[1])
        return float(np.abs(y + heights[idx] / 2 - desired_y[idx]).sum()), y

    k = len(spans)
    best = np.full((k + 1, n + 1), np.inf)  # best[s][i]: the first i labels in the first s spans
    best[0][0] = 0.0
    choice = {}
    for s_ in range(1, k + 1):
        for j in ([n] if s_ == k else range(n + 1)):  # the last span takes the rest; the first starts at 0
            for i in ([0] if s_ == 1 else range(j + 1)):
                if best[s_ - 1][i] == np.inf:
                    continue
                cost, y = run(i, j, spans[s_ - 1])
                if best[s_ - 1][i] + cost < best[s_][j]:
                    best[s_][j] = best[s_ - 1][i] + cost
                    choice[(s_, j)] = (i, y)
    if best[k][n] == np.inf:
        return stack(desired_y, heights, lo, hi)
    out = np.zeros(n)
    j = n
    for s_ in range(k, 0, -1):
        i, y = choice[(s_, j)]
        out[order[i:j]] = y
        j = i
    return out


def layout(items: list[LabelItem], view_size: tuple[int, int], silhouette: tuple[float, float, float, float],
           keep_out=(), priority=()) -> list[PlacedLabel]:
    """Place ``items`` in a ``view_size`` (w, h px) view beside ``silhouette`` (x0, y0, x1, y1), clear of
    the ``keep_out`` rectangles (x0, y0, x1, y1: panels drawn over the view) when they fit.

    Each item goes to the column on its anchor's side; a label that ends up covering its own bone is
    sent to the other column and the columns are laid out again (a few rounds at most). In a view too
    small for them all (the two columns run into each other) labels never overlap: those whose keys
    come first in ``priority`` (a technique's bones), then the others in order, are kept."""
    if not items:
        return []
    mid = (silhouette[0] + silhouette[2]) / 2
    side = {it.key: ("left" if it.anchor[0] < mid else "right") for it in items}
    flipped: set[str] = set()
    for _ in range(4):
        placed = _place(items, side, view_size, silhouette, keep_out)
        bad = [p.item.key for p in placed if covers(p.rect, p.item.owner_points) and p.item.key not in flipped]
        if not bad:
            break
        for key in bad:
            side[key] = "right" if side[key] == "left" else "left"
            flipped.add(key)
    return _without_overlaps(placed, priority)


def _without_overlaps(placed: list[PlacedLabel], priority=()) -> list[PlacedLabel]:
    """``placed`` less the labels that would overlap one that matters more (first in ``priority``, then
    in their order)."""
    rank = {key: i for i, key in enumerate(priority)}
    order = sorted(range(len(placed)), key=lambda i: (rank.get(placed[i].item.key, len(rank)), i))
    kept: list[int] = []
    for i in order:
        if not any(overlaps(placed[i].rect, placed[j].rect) for j in kept):
            kept.append(i)
    return [placed[i] for i in sorted(kept)]


def _clear_of_own_bone(it: LabelItem, x0: float, x1: float, h: float) -> float:
    """The label's wanted centre height: its anchor's, or just above or below its own bone where the
    column passes over that bone (a column clamped to the edge of a tightly framed view)."""
    y = float(it.anchor[1])
    p = it.owner_points
    over = p[(p[:, 0] > x0) & (p[:, 0] < x1)]
    if len(over) == 0:
        return y
    half = it.size[1] / 2 + SPACING_PX
    lo, hi = over[:, 1].min() - half, over[:, 1].max() + half
    if not lo < y < hi:
        return y
    options = [v for v in (lo, hi) if half <= v <= h - half] or [lo, hi]
    return min(options, key=lambda v: abs(v - y))


def _place(items, side_of: dict, view_size, silhouette, keep_out=()) -> list[PlacedLabel]:
    w, h = view_size
    sx0, _, sx1, _ = silhouette

    def column_x(side: str, width: float) -> float:
        if side == "left":
            return max(MARGIN_PX, sx0 - GAP_PX - width)
        return min(w - MARGIN_PX - width, sx1 + GAP_PX)

    def blocked(x0: float, x1: float) -> list[tuple[float, float]]:
        """The heights a column spanning [x0, x1] must keep clear of: the panels in its way."""
        return [(r[1], r[3]) for r in keep_out if min(x1, r[2]) - max(x0, r[0]) > 0]

    sides: dict[str, list] = {"left": [], "right": []}
    for it in items:
        sides[side_of[it.key]].append(it)
    def fits(side: str, col) -> bool:
        """Can the column hold its labels: in the view's height, less the panels in its way (each free
        span holds a whole number of labels)?"""
        if not col:
            return True
        widest = max(it.size[0] for it in col)
        tallest = max(it.size[1] for it in col) + SPACING_PX
        edge = column_x(side, widest)
        spans = free_spans(MARGIN_PX, h - MARGIN_PX, blocked(edge, edge + widest))
        return len(col) <= sum(int((b - a + SPACING_PX) // tallest) for a, b in spans)

    def fits_view(col) -> bool:
        return sum(it.size[1] + SPACING_PX for it in col) <= h - 2 * MARGIN_PX + SPACING_PX

    # a column that cannot hold its labels gives the lowest ones to the other column (while it has room)
    for side, other in (("left", "right"), ("right", "left")):
        col = sides[side]
        while col and not fits(side, col):
            col.sort(key=lambda it: -it.anchor[1])
            moved = col[-1]
            if not fits(other, sides[other] + [moved]) and fits_view(col):
                break  # the other column is full too: this one covers a panel rather than the view's edge
            col.pop()
            sides[other].append(moved)
    placed = []
    for side, col in sides.items():
        if not col:
            continue
        widest = max(it.size[0] for it in col)
        edge = column_x(side, widest)  # one aligned edge per column: leaders meet it in order
        desired = np.array([_clear_of_own_bone(it, edge, edge + widest, h) for it in col])
        ys = stack_avoiding(desired, np.array([it.size[1] for it in col]), MARGIN_PX, h - MARGIN_PX,
                            blocked(edge, edge + widest))
        for it, y0 in zip(col, ys):
            x = edge if side == "right" else edge + widest - it.size[0]
            placed.append(PlacedLabel(it, (x, y0, x + it.size[0], y0 + it.size[1])))
    return placed


def projector(renderer):
    """A function (n, 3) world points -> ((n, 2) display px, (n,) depth 0 near .. 1 far) for ``renderer``'s camera now."""
    w, h = renderer.GetSize()
    cam = renderer.GetActiveCamera()
    m = cam.GetCompositeProjectionTransformMatrix(w / max(h, 1), -1, 1)
    M = np.array([[m.GetElement(i, j) for j in range(4)] for i in range(4)])

    def project(p):
        p = np.asarray(p, float).reshape(-1, 3)
        hom = np.c_[p, np.ones(len(p))] @ M.T
        ndc = hom[:, :3] / hom[:, 3:4]
        return np.c_[(ndc[:, 0] + 1) * w / 2, (ndc[:, 1] + 1) * h / 2], (ndc[:, 2] + 1) / 2

    return project


def text_size(text: str, prop: vtk.vtkTextProperty) -> tuple[float, float]:
    bbox = [0, 0, 0, 0]
    vtk.vtkTextRenderer().GetBoundingBox(prop, text, bbox, 72)
    return bbox[1] - bbox[0] + 1 + 2 * PAD_PX, bbox[3] - bbox[2] + 1 + 2 * PAD_PX


class LabelLayer:
    """Bone names (or the landmarks of one bone) drawn in ``renderer`` over a :class:`SkeletonScene`.

    ``set_targets(bones=[...])`` names bones; ``set_targets(landmarks=[(bone, name, label, point_mm)])``
    names landmarks (bind-pose bone frame, right foot). The layout is recomputed before each render."""

    def __init__(self, renderer, scene, *, samples_per_bone: int = 160):
        self.renderer = renderer
        self.scene = scene
        self.visible = False
        self.bones: list[str] = []
        self.landmarks: list[tuple[str, str, str, np.ndarray]] = []
        self.placed: list[PlacedLabel] = []
        self._samples = {}
        rng = np.random.default_rng(0)
        for name, mesh in scene.meshes.items():
            pts = np.asarray(mesh.points, float)
            idx = rng.choice(len(pts), size=min(samples_per_bone, len(pts)), replace=False)
            self._samples[name] = pts[idx]
        self._prop = vtk.vtkTextProperty()
        self._prop.SetFontSize(FONT_SIZE)
        self._prop.SetFontFamilyToArial()
        self._text_actors: dict[str, vtk.vtkTextActor] = {}
        self._lines = vtk.vtkPolyData()
        mapper = vtk.vtkPolyDataMapper2D()
        mapper.SetInputData(self._lines)
        self._line_actor = vtk.vtkActor2D()
        self._line_actor.SetMapper(mapper)
        self._line_actor.GetProperty().SetColor(*LEADER_RGB)
        self._line_actor.GetProperty().SetLineWidth(1.5)
        self._line_actor.GetProperty().SetPointSize(5)
        self._line_actor.VisibilityOff()
        renderer.AddViewProp(self._line_actor)
        self._keep_out: list = []  # functions returning the rectangles of panels drawn over the view
        self.priority: list[str] = []  # keys named first when the view is too small for every label
        self.on_crowded = None  # called with (shown, wanted) when a view too small leaves labels out
        self._crowding = (0, 0)
        self._observer = renderer.AddObserver("StartEvent", lambda *_: self.update())

    def keep_clear_of(self, rects) -> None:
        """Lay labels out clear of the rectangles (display px: x0, y0, x1, y1) that ``rects()`` returns at
        each layout (a panel drawn over the view: the strain legend, a caption; none while hidden)."""
        self._keep_out.append(rects)

    # -- what is named ---------------------------------------------------------------------------
    def set_visible(self, on: bool) -> None:
        self.visible = bool(on)
        if not on:
            for a in self._text_actors.values():
                a.VisibilityOff()
            self._line_actor.VisibilityOff()

    def set_targets(self, *, bones=(), landmarks=()) -> None:
        self.bones = list(bones)
        self.landmarks = list(landmarks)

    # -- layout --------------------------------------------------------------------------------------
    def _shown(self, bone: str) -> np.ndarray:
        return self.scene.shown_transform(bone)

    def _side_point(self, p: np.ndarray) -> np.ndarray:
        return p * np.array([1.0, 1.0, -1.0]) if self.scene.side == "left" else p

    def items(self) -> list[LabelItem]:
        project = projector(self.renderer)
        out = []
        boxes = {}
        for bone in set(self.bones) | {b for b, *_ in self.landmarks}:
            M = self._shown(bone)
            pts = self._side_point(self._samples[bone]) @ M[:3, :3].T + M[:3, 3]
            xy, depth = project(pts)
            boxes[bone] = (xy, depth)
        w, h = self.renderer.GetSize()
        for bone in self.bones:
            xy, depth = boxes[bone]
            inside = (xy[:, 0] >= 0) & (xy[:, 0] <= w) & (xy[:, 1] >= 0) & (xy[:, 1] <= h) & (depth > 0) & (depth < 1)
            if inside.mean() < 0.5:  # mostly out of the picture (a close-up): a leader to it would mislead
                continue
            box = (xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max())
            centre = np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])
            dist = np.linalg.norm(xy - centre, axis=1)
            near = (dist <= np.quantile(dist, 0.35)) & inside
            if not near.any():
                near = inside
            k = np.flatnonzero(near)[np.argmin(depth[near])]
            label = self.scene.rig.bone(bone).label
            out.append(LabelItem(bone, label, xy[k], text_size(label, self._prop), xy))
        for bone, name, label, point in self.landmarks:
            M = self._shown(bone)
            p = self._side_point(np.asarray(point, float)) @ M[:3, :3].T + M[:3, 3]
            xy, _ = project(p)
            out.append(LabelItem(f"{bone}:{name}", label, xy[0], text_size(label, self._prop), boxes[bone][0]))
        return out

    def silhouette(self, bones=None) -> tuple[float, float, float, float]:
        """The box (display px: x0, y0, x1, y1) round the bones drawn (``bones`` among them), from their
        extreme points where they are drawn (a box round their bounding boxes' corners overshoots, most
        in oblique views)."""
        pts = self.scene.shown_points(bones)
        if not len(pts):
            return (0.0, 0.0, 0.0, 0.0)
        xy, _ = projector(self.renderer)(pts)
        return (xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max())

    def room_zoom(self, bones=None) -> float:
        """The camera zoom (<= 1) that leaves room for a column of labels on each side of the silhouette
        (of ``bones``: those the picture is framed on)."""
        w, _h = self.renderer.GetSize()
        items = self.items()
        if not items or w <= 0:
            return 1.0
        need = max(it.size[0] for it in items) + GAP_PX + MARGIN_PX
        a, _, b, _ = self.silhouette(bones)
        cx = w / 2
        k = 1.0
        if a < cx and cx - a > 0:
            k = min(k, (cx - need) / (cx - a))
        if b > cx:
            k = min(k, (w - need - cx) / (b - cx))
        return float(min(1.0, max(0.2, k)))

    def compute(self) -> list[PlacedLabel]:
        w, h = self.renderer.GetSize()
        keep_out = [r for rects in self._keep_out for r in rects()]
        items = self.items()
        self.placed = layout(items, (w, h), self.silhouette(), keep_out, self.priority)
        crowding = (len(self.placed), len(items))
        if crowding != self._crowding:
            self._crowding = crowding
            if self.on_crowded is not None and crowding[0] < crowding[1]:
                self.on_crowded(*crowding)
        return self.placed

    def update(self) -> None:
        if not self.visible:
            return
        placed = self.compute()
        keys = {p.item.key for p in placed}
        for key, actor in self._text_actors.items():
            if key not in keys:
                actor.VisibilityOff()
        points = vtk.vtkPoints()
        lines = vtk.vtkCellArray()
        verts = vtk.vtkCellArray()
        for p in placed:
            actor = self._text_actors.get(p.item.key)
            if actor is None:
                actor = vtk.vtkTextActor()
                tp = actor.GetTextProperty()
                tp.ShallowCopy(self._prop)
                tp.SetColor(*LABEL_RGB)
                tp.SetBackgroundColor(0.08, 0.09, 0.11)
                tp.SetBackgroundOpacity(0.78)
                tp.SetFrame(True)
                tp.SetFrameColor(*LEADER_RGB)
                tp.SetJustificationToLeft()
                tp.SetVerticalJustificationToBottom()
                actor.PickableOff()
                self.renderer.AddViewProp(actor)
                self._text_actors[p.item.key] = actor
            actor.SetInput(p.item.text)
            actor.SetPosition(p.rect[0] + PAD_PX, p.rect[1] + PAD_PX)
            actor.VisibilityOn()
            a = points.InsertNextPoint(*p.item.anchor, 0.0)
            b = points.InsertNextPoint(*p.attach, 0.0)
            lines.InsertNextCell(2)
            lines.InsertCellPoint(a)
            lines.InsertCellPoint(b)
            verts.InsertNextCell(1)
            verts.InsertCellPoint(a)
        self._lines.SetPoints(points)
        self._lines.SetLines(lines)
        self._lines.SetVerts(verts)  # a dot where the leader touches the bone
        self._lines.Modified()
        self._line_actor.SetVisibility(bool(placed))

    def remove(self) -> None:
        self.renderer.RemoveObserver(self._observer)
        for a in self._text_actors.values():
            self.renderer.RemoveViewProp(a)
        self.renderer.RemoveViewProp(self._line_actor)
