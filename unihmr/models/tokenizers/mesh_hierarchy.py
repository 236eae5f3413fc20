"""A pooling hierarchy on the embedded body's mesh, for MoRo's mesh tokenizer (MoRo paper 3; specs/moro.md,
"Pose tokenizer").

MoRo pools the SMPL-X mesh 9,383 -> 2,618 -> 546 -> 87 vertices with the pooling files of the fully convolutional
mesh autoencoder. Those files belong to SMPL-X's topology; our body (24,256 vertices) gets its own hierarchy,
built the same way in kind: a fixed decimation of the mesh (farthest-point samples of the neutral rest surface),
then nested farthest-point subsets down to 87 region centres, each level linked to the one below by neighbour
lists (pooling: a centre gathers its ``k`` nearest points of the finer level; unpooling: a point gathers its
``k // 2`` nearest centres, the coarser level being sparser).

Nearness: our mesh is 29 separate pieces (body segments and joint balls), so mesh geodesics do not exist. Instead
the Euclidean distance on the rest surface plus ``part_gap`` (1 m) for every joint beyond the first between the
dominant skinning joints of two points (0 for the same joint or a parent and child): a region then follows the
skeleton and never joins the two legs, or an arm and the torso or thigh beside it (``tests/test_mesh_tokenizer.py``).
"""
from typing import Sequence

import torch

MORO_LEVELS = (512, 192, 87)  # our decimation (sized for a 2-core CPU); MoRo's last level, 87 tokens, kept


def farthest_point_sample(points: torch.Tensor, count: int, start: int = 0) -> torch.Tensor:
    """Indices (count,) of greedy farthest-point samples of ``points`` (N, 3), starting at index ``start``.

    Written here: torch has none, and the libraries that do (pytorch3d, torch-cluster) are compiled extensions
    outside our dependencies; the loop runs once per hierarchy (``count`` vector steps over N points).
    """
    if not 0 < count <= points.shape[0]:
        raise ValueError(f'farthest_point_sample: count must be in 1..{points.shape[0]}, got {count}')
    chosen = torch.empty(count, dtype=torch.long)
    distance = torch.full((points.shape[0],), float('inf'), dtype=points.dtype)
    index = start
    for slot in range(count):
        chosen[slot] = index
        distance = torch.minimum(distance, (points - points[index]).square().sum(-1))
        index = int(distance.argmax())
    return chosen


def nearest(queries: torch.Tensor, points: torch.Tensor, k: int, penalty: torch.Tensor = None) -> torch.Tensor:
    """Indices (Q, k) of the ``k`` points of ``points`` (N, 3) nearest to each of ``queries`` (Q, 3), nearest
    first; ``penalty`` (Q, N) is added to the distances."""
    distance = torch.cdist(queries, points) + (0 if penalty is None else penalty)
    return distance.topk(min(k, points.shape[0]), largest=False).indices


def tree_hops(parents) -> torch.Tensor:
    """(J, J) number of edges between two joints of the tree ``parents`` (``parents[0]`` is the root's, ignored)."""
    count = len(parents)
    chains = []
    for joint in range(count):
        chain = [joint]
        while chain[-1] != 0:
            chain.append(parents[chain[-1]])
        chains.append(chain)
    hops = torch.zeros(count, count, dtype=torch.long)
    for a in range(count):
        for b in range(count):
            common = next(joint for joint in chains[a] if joint in chains[b])
            hops[a, b] = chains[a].index(common) + chains[b].index(common)
    return hops


def part_penalty(query_parts: torch.Tensor, point_parts: torch.Tensor, parents, gap: float) -> torch.Tensor:
    """(Q, N): ``gap`` times (hops - 1) between the parts (joints) of a query and a point in the tree ``parents``:
    0 for the same part or a parent and child, growing with every further joint between them."""
    hops = tree_hops(parents)[query_parts[:, None], point_parts[None, :]]
    return (hops - 1).clamp(min=0).float() * gap


class MeshHierarchy:
    """Levels of a decimated mesh and their neighbour lists.

    Attributes:
        vertex_ids: (N0,) mesh vertices of level 0, the decimated mesh the tokenizer reads and writes.
        rest: list of (N_l, 3) neutral rest positions per level.
        same: list of (N_l, k) neighbours within level l (the convolutions that keep the resolution).
        down: list of (N_{l+1}, k) level-l neighbours of each level-(l+1) centre (pooling).
        up: list of (N_l, k // 2) level-(l+1) neighbours of each level-l point (unpooling).
    """

    def __init__(self, rest_surface: torch.Tensor, levels: Sequence[int] = MORO_LEVELS, k: int = 8,
                 vertex_parts: torch.Tensor = None, parents=None, part_gap: float = 1.0):
        if list(levels) != sorted(levels, reverse=True) or len(set(levels)) != len(levels):
            raise ValueError(f'MeshHierarchy: levels must decrease strictly, got {tuple(levels)}')
        self.levels, self.k = tuple(levels), k
        self.vertex_ids = farthest_point_sample(rest_surface, levels[0])
        self.rest = [rest_surface[self.vertex_ids]]
        parts = [None if vertex_parts is None else vertex_parts[self.vertex_ids]]
        for size in levels[1:]:  # nested: each level a subset of the one below
            chosen = farthest_point_sample(self.rest[-1], size)
            self.rest.append(self.rest[-1][chosen])
            parts.append(None if parts[-1] is None else parts[-1][chosen])
        self.parts = parts

        def penalty(query: int, point: int):
            return None if vertex_parts is None else part_penalty(parts[query], parts[point], parents, part_gap)
        count = len(levels)
        self.same = [nearest(self.rest[i], self.rest[i], k, penalty(i, i)) for i in range(count)]
        self.down = [nearest(self.rest[i + 1], self.rest[i], k, penalty(i + 1, i)) for i in range(count - 1)]
        self.up = [nearest(self.rest[i], self.rest[i + 1], max(1, k // 2), penalty(i, i + 1)) for i in range(count - 1)]


_BUILT: dict = {}


def body_hierarchy(body_model, levels: Sequence[int] = MORO_LEVELS, k: int = 8) -> MeshHierarchy:
    """The hierarchy of ``body_model``'s neutral rest surface (zero pose and shape), its vertices' parts the joints
    of largest skin weight, built once per process and body model type (deterministic)."""
    from unihmr.body.joint_sets import BODY_PARENTS
    key = (type(body_model).__name__, tuple(levels), k)
    if key not in _BUILT:
        with torch.no_grad():
            surface = body_model(body_pose=torch.zeros(21, 3)).vertices.float().cpu()
            parts = body_model.skin_weights(torch.arange(surface.shape[0])).argmax(-1).cpu()
        owners, parents = set(parts.tolist()), [0]
        for joint in range(1, len(BODY_PARENTS)):  # a joint that owns no vertex (our spine2, collars) is skipped
            parent = BODY_PARENTS[joint]
            while parent not in owners and parent > 0:
                parent = BODY_PARENTS[parent]
            parents.append(parent)
        _BUILT[key] = MeshHierarchy(surface, levels, k, vertex_parts=parts, parents=parents)
    return _BUILT[key]
