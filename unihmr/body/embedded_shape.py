"""Assets and body shape of the embedded body model: mannequin-x's wooden mannequin ported to torch.

``load_assets`` reads ``mannequin/assets/{wooden,smplx_calibration}.npz`` from the installed PyPI package
``mannequin-x`` (Apache-2.0) and binds the skin exactly as ``mannequin.Mannequin._bind_skin``.
``ShapeSpace`` is a batched, differentiable port of ``Mannequin._prepare_shape`` (mannequin-x 0.3.0):
rest joints are linear in the 10 betas; the rest surface is not (head box fit, forefoot floor shift).
Shapes: betas (U, 10) -> rest joints (U, J, 3), rest surface (U, V, 3); J = 54 joints, V = 24,256.
"""
from importlib.resources import files

import numpy as np
import torch
from torch import nn

ASSET_PACKAGE = 'mannequin'
SKIN_INFLUENCES = 4  # mannequin keeps the 4 strongest of the 8 stored influences
REFLECT_X = (-1.0, 1.0, 1.0)
UP = (0.0, 1.0, 0.0)  # mannequin's y axis: the forefoot floor shift is vertical
FOREFOOT_ANGLE = 0.1  # radians, mannequin `_reshape_forefeet`
FOREFOOT_LENGTH_SCALE = 1.2
SIMILARITY_FLIP_COSINE = -0.999999  # below it `_align_and_scale` turns by 180 degrees
WEIGHTS_KEYS = ('joint_names', 'parents', 'local_offsets', 'vertices', 'faces', 'skin_joint_indices',
                'skin_weights', 'skin_source_joint_positions', 'skin_part_names', 'skin_part_vertex_starts',
                'skin_part_vertex_counts', 'skin_rigid_joint_indices')


def _read_npz(name: str) -> dict:
    with (files(ASSET_PACKAGE) / 'assets' / name).open('rb') as archive, np.load(archive) as data:
        return {key: data[key] for key in data.files}


def load_assets() -> dict:
    """The wooden mannequin and the SMPL-X calibration as NumPy arrays, skin bound as mannequin binds it.

    Adds ``bound_joint_indices`` / ``bound_weights`` (V, 4) and the dense ``skin_matrix`` (V, J) float64.
    Floating arrays are float32 (as mannequin loads the mesh) so masks reproduce mannequin's exactly.
    """
    raw = _read_npz('wooden.npz')
    assets = {key: raw[key] for key in WEIGHTS_KEYS}
    assets['joint_names'] = assets['joint_names'].tolist()
    assets['skin_part_names'] = assets['skin_part_names'].tolist()
    for key in ('local_offsets', 'vertices', 'skin_weights', 'skin_source_joint_positions'):
        assets[key] = assets[key].astype(np.float32)
    assets.update({key: value.astype(np.float32) for key, value in _read_npz('smplx_calibration.npz').items()})
    indices = assets['skin_joint_indices'].astype(np.int64)
    weights = assets['skin_weights']
    # Mannequin._bind_skin, line for line: 4 strongest influences renormalised, rigid vertices on one joint.
    strongest = np.argsort(weights, axis=1)[:, -SKIN_INFLUENCES:]
    indices = np.take_along_axis(indices, strongest, axis=1)
    weights = np.take_along_axis(weights, strongest, axis=1)
    weights /= weights.sum(axis=1, keepdims=True)
    rigid_joint = assets['skin_rigid_joint_indices'].astype(np.int64)
    rigid = rigid_joint >= 0
    indices[rigid] = rigid_joint[rigid, None]
    weights[rigid] = 0.0
    weights[rigid, 0] = 1.0
    assets['bound_joint_indices'], assets['bound_weights'] = indices, weights
    dense = np.zeros((weights.shape[0], len(assets['parents'])), np.float64)
    np.add.at(dense, (np.arange(weights.shape[0])[:, None], indices), weights.astype(np.float64))
    assets['skin_matrix'] = dense
    return assets


def region_influence(assets: dict, joint_names) -> np.ndarray:
    """Summed bound weight of the named joints per vertex (V,), computed as mannequin does (float32)."""
    joints = [assets['joint_names'].index(name) for name in joint_names]
    indices, weights = assets['bound_joint_indices'], assets['bound_weights']
    return np.sum(np.where(np.isin(indices, joints), weights, 0.0), axis=1)


def mirror_index(names) -> np.ndarray:
    """For each name the index of its left/right counterpart (``L_x`` <-> ``R_x``), itself otherwise."""
    lookup = {name: i for i, name in enumerate(names)}
    swap = {'L_': 'R_', 'R_': 'L_'}
    return np.array([lookup.get(swap[name[:2]] + name[2:], i) if name[:2] in swap else i
                     for i, name in enumerate(names)])


def align_rotation(source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Rotation (..., 3, 3) turning the direction of ``source`` (..., 3) onto that of ``target`` (..., 3).

    Rodrigues' formula as in mannequin's ``_align_and_scale``; opposite directions turn by 180 degrees.
    """
    eye = torch.eye(3, dtype=source.dtype, device=source.device)
    source_axis = torch.nn.functional.normalize(source, dim=-1)
    target_axis = torch.nn.functional.normalize(target, dim=-1)
    cross = torch.linalg.cross(source_axis, target_axis)
    cosine = (source_axis * target_axis).sum(-1)[..., None, None]
    zero = torch.zeros_like(cross[..., 0])
    skew = torch.stack([zero, -cross[..., 2], cross[..., 1], cross[..., 2], zero, -cross[..., 0],
                        -cross[..., 1], cross[..., 0], zero], dim=-1).unflatten(-1, (3, 3))
    turned = eye + skew + skew @ skew / (1.0 + cosine).clamp_min(1e-12)
    basis = eye[source_axis.abs().argmin(-1)]
    flip_axis = torch.nn.functional.normalize(torch.linalg.cross(source_axis, basis), dim=-1)
    flipped = 2.0 * flip_axis[..., :, None] * flip_axis[..., None, :] - eye
    return torch.where(cosine > SIMILARITY_FLIP_COSINE, turned, flipped)


def align_and_scale(source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``align_rotation`` times a stretch along ``source`` to the length of ``target``: (..., 3, 3)."""
    eye = torch.eye(3, dtype=source.dtype, device=source.device)
    source_length = source.norm(dim=-1, keepdim=True)
    source_axis = source / source_length
    ratio = (target.norm(dim=-1, keepdim=True) / source_length)[..., None]
    stretch = eye + (ratio - 1.0) * source_axis[..., :, None] * source_axis[..., None, :]
    return align_rotation(source, target) @ stretch


def fit_similarity(source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Scaled rotation best mapping columns of ``source`` (..., 3, n) onto ``target`` (..., 3, n)."""
    left, _, right = torch.linalg.svd(target @ source.transpose(-1, -2))
    sign = torch.sign(torch.linalg.det(left @ right))
    reflection = torch.stack([torch.ones_like(sign), torch.ones_like(sign), sign], dim=-1)  # diag(1, 1, sign)
    rotation = (left * reflection[..., None, :]) @ right
    scale = (target * (rotation @ source)).sum((-1, -2)) / (source * source).sum((-1, -2))
    return rotation * scale[..., None, None]


class ShapeSpace(nn.Module):
    """Rest joints and rest surface of the wooden mannequin as functions of 10 SMPL-X betas."""

    def __init__(self, assets: dict):
        super().__init__()
        names, parents = assets['joint_names'], list(assets['parents'])
        self.joint_names, self.parents = names, parents
        index = names.index
        self.head, self.pelvis, self.chest = index('Head'), index('Pelvis'), index('Chest')
        self.ankles = (index('L_Ankle'), index('R_Ankle'))

        def buffer(name, value, dtype=torch.float32):
            self.register_buffer(name, torch.as_tensor(np.asarray(value), dtype=dtype), persistent=False)

        for key in ('joint_rest', 'joint_dirs', 'sole_y_rest', 'sole_y_dirs', 'head_min_rest', 'head_min_dirs',
                    'head_max_rest', 'head_max_dirs', 'hand_mean'):
            buffer(key, assets[key])
        buffer('neutral_offsets', assets['local_offsets'])
        buffer('source_vertices', assets['vertices'])
        buffer('source_joints', assets['skin_source_joint_positions'])
        buffer('skin_matrix', assets['skin_matrix'])
        buffer('reflect', REFLECT_X)
        buffer('up', UP)
        buffer('parent_index', [max(p, 0) for p in parents], torch.long)
        buffer('joint_mirror', mirror_index(names), torch.long)
        # skin_shape_transforms: joints with one child (or leaves) follow one bone, others fit all children.
        # Identity stays for the head (`_prepare_shape` resets it) and for a zero-length neutral bone
        # (wrist -> hand), as in `_align_and_scale`.
        children = [[j for j, p in enumerate(parents) if p == joint] for joint in range(len(parents))]
        bone_length = np.linalg.norm(assets['local_offsets'], axis=1)
        single = [(j, c[0] if c else j) for j, c in enumerate(children) if len(c) == 1 or (not c and parents[j] >= 0)]
        single = [(j, bone) for j, bone in single if bone_length[bone] > 0.0 and j != self.head]
        buffer('single_joints', [j for j, _ in single], torch.long)
        buffer('single_bones', [bone for _, bone in single], torch.long)
        fan_groups = sorted({len(c) for c in children if len(c) > 1})
        self.fan_groups = len(fan_groups)
        for group, count in enumerate(fan_groups):
            joints = [j for j, c in enumerate(children) if len(c) == count and j != self.head]
            buffer(f'fan_joints_{group}', joints, torch.long)
            buffer(f'fan_bones_{group}', [children[j] for j in joints], torch.long)
        # Regions of `_fit_skin_region`, `_preserve_rigid_parts`, `_reshape_forefeet`, `_symmetrize_skin_joints`.
        head_influence = region_influence(assets, ('Head',))
        buffer('head_region', np.flatnonzero(head_influence > 0.5), torch.long)
        rigid = assets['skin_rigid_joint_indices'] >= 0
        buffer('rigid_region', np.flatnonzero(rigid), torch.long)
        for side in ('L', 'R'):
            foot = region_influence(assets, (f'{side}_Ankle', f'{side}_Toe'))
            buffer(f'foot_weight_{side}', foot)
            buffer(f'foot_region_{side}', np.flatnonzero(foot > 0.5), torch.long)
        self.foot_influenced = (region_influence(assets, ('L_Ankle', 'L_Toe', 'R_Ankle', 'R_Toe')) > 0)
        self.rigid_mask = rigid
        parts = {name: (start, count) for name, start, count in zip(
            assets['skin_part_names'], assets['skin_part_vertex_starts'], assets['skin_part_vertex_counts'])}
        vertex_mirror = np.arange(assets['vertices'].shape[0])
        for name, (start, count) in parts.items():
            if name.startswith('joint_L'):
                right_start, right_count = parts[name.replace('joint_L', 'joint_R')]
                assert right_count == count, f'mirrored skin parts {name} differ in size'
                vertex_mirror[start:start + count] = np.arange(right_start, right_start + count)
                vertex_mirror[right_start:right_start + count] = np.arange(start, start + count)
        buffer('vertex_mirror', vertex_mirror, torch.long)
        buffer('vertex_mirrored', vertex_mirror != np.arange(len(vertex_mirror)), torch.bool)

    def rest_joints(self, betas: torch.Tensor) -> torch.Tensor:
        """Shaped rest joints (..., J, 3) from betas (..., 10); exactly linear."""
        return self.joint_rest + torch.einsum('jkb,...b->...jk', self.joint_dirs, betas)

    def skin_transforms(self, display_offsets: torch.Tensor) -> torch.Tensor:
        """`skin_shape_transforms`, head kept rigid: display bone offsets (U, J, 3) -> (U, J, 3, 3)."""
        neutral = self.neutral_offsets.expand_as(display_offsets)
        parts = [align_and_scale(neutral[:, self.single_bones], display_offsets[:, self.single_bones])]
        order = [self.single_joints]
        for group in range(self.fan_groups):
            bones = getattr(self, f'fan_bones_{group}')
            source, target = neutral[:, bones].transpose(-1, -2), display_offsets[:, bones].transpose(-1, -2)
            parts.append(fit_similarity(source, target))
            order.append(getattr(self, f'fan_joints_{group}'))
        order = torch.cat(order)
        eye = torch.eye(3, dtype=display_offsets.dtype, device=display_offsets.device)
        transforms = eye.repeat(display_offsets.shape[0], display_offsets.shape[1], 1, 1)
        return transforms.index_copy(1, order, torch.cat(parts, dim=1))

    def _display_joints(self, betas):
        """Rest joints, their left/right-symmetric version (`symmetric_joints`) and its bone offsets."""
        rest = self.rest_joints(betas)
        display = 0.5 * (rest + self.reflect * rest[:, self.joint_mirror])
        parent = display[:, self.parent_index]
        offsets = torch.cat([display[:, :1], display[:, 1:] - parent[:, 1:]], dim=1)
        return rest, display, offsets

    def _map_skin(self, transforms, display, rows=None):
        """`_map_skin_to_skeleton` for all vertices or the given rows: (U, R, 3)."""
        weights = self.skin_matrix if rows is None else self.skin_matrix[rows]
        source = self.source_vertices if rows is None else self.source_vertices[rows]
        blended = (weights @ transforms.flatten(-2).transpose(0, 1).flatten(1)).unflatten(1, (-1, 9))
        blended = blended.transpose(0, 1).unflatten(-1, (3, 3))  # (U, R, 3, 3)
        offsets = display - (transforms @ self.source_joints[..., None])[..., 0]  # (U, J, 3)
        return (blended @ source[..., None])[..., 0] + weights @ offsets

    def _fit_head(self, vertices, betas, region, influence):
        """`_fit_skin_region` for the head: box of ``vertices[:, region]`` to the calibrated head box."""
        target_min = self.head_min_rest + betas @ self.head_min_dirs.T
        target_max = self.head_max_rest + betas @ self.head_max_dirs.T
        source = vertices[:, region]
        source_min, source_max = source.amin(1, keepdim=True), source.amax(1, keepdim=True)
        scale = (target_max - target_min)[:, None] / (source_max - source_min)
        fitted = target_min[:, None] + (vertices - source_min) * scale
        return vertices + influence[:, None] * (fitted - vertices)

    def _preserve_rigid(self, vertices, display):
        """`_preserve_rigid_parts`: the torso shell follows the pelvis->chest axis as one similarity."""
        source_axis = self.source_joints[self.chest] - self.source_joints[self.pelvis]
        target_axis = display[:, self.chest] - display[:, self.pelvis]
        # mannequin's align_similarity: polar rotation of align_and_scale (= align_rotation) x length ratio
        rotation = align_rotation(source_axis.expand_as(target_axis), target_axis)
        similarity = rotation * (target_axis.norm(dim=-1) / source_axis.norm())[:, None, None]
        relative = self.source_vertices[self.rigid_region] - self.source_joints[self.pelvis]
        moved = relative @ similarity.transpose(-1, -2) + display[:, self.pelvis, None]
        return vertices.index_copy(1, self.rigid_region, moved)

    def _reshape_forefeet(self, vertices, rest, betas):
        """`_reshape_forefeet`: tilt and lengthen each forefoot, then lift each foot onto the sole floor."""
        floor = (self.sole_y_rest + betas @ self.sole_y_dirs.T).amin(-1)  # (U,)
        cosine, sine = np.cos(FOREFOOT_ANGLE), np.sin(FOREFOOT_ANGLE)
        result = vertices
        for side, ankle in zip(('L', 'R'), self.ankles):
            weight = getattr(self, f'foot_weight_{side}')
            region = getattr(self, f'foot_region_{side}')
            relative = vertices - rest[:, ankle, None]
            y, z = relative[..., 1], relative[..., 2]
            turn_y = cosine * y - sine * FOREFOOT_LENGTH_SCALE * z - y
            turn_z = sine * y + cosine * FOREFOOT_LENGTH_SCALE * z - z
            result = result + weight[:, None] * torch.stack([torch.zeros_like(y), turn_y, turn_z], dim=-1)
            shift = ((floor[:, None] - result[:, region, 1]) / weight[region]).amax(-1)  # (U,)
            result = result + (weight * shift[:, None])[..., None] * self.up
        return result

    def _symmetrize(self, vertices):
        """`_symmetrize_skin_joints`: mirrored joint balls become exact mirror images."""
        mirrored = 0.5 * (vertices + self.reflect * vertices[:, self.vertex_mirror])
        return torch.where(self.vertex_mirrored[:, None], mirrored, vertices)

    def surface(self, betas: torch.Tensor):
        """Rest surface (U, V, 3) and skin bind positions = rest joints (U, J, 3) for betas (U, 10)."""
        rest, display, offsets = self._display_joints(betas)
        transforms = self.skin_transforms(offsets)
        vertices = self._map_skin(transforms, display)
        vertices = self._fit_head(vertices, betas, self.head_region, self.skin_matrix[:, self.head])
        vertices = self._preserve_rigid(vertices, display)
        vertices = self._reshape_forefeet(vertices, rest, betas)
        return self._symmetrize(vertices), rest

    def check_head_only(self, vertex_ids) -> None:
        """Assert that only the head fit moves ``vertex_ids`` after skin mapping (``head_points`` is exact)."""
        ids = np.asarray(vertex_ids)
        moved = self.rigid_mask[ids] | self.foot_influenced[ids] | self.vertex_mirrored.cpu().numpy()[ids]
        assert not moved.any(), f'vertices {ids[moved]} are not head-only; use surface()'

    def head_points(self, betas: torch.Tensor, vertex_ids: torch.Tensor) -> torch.Tensor:
        """Rest positions (U, K, 3) of head vertices ``vertex_ids`` (K,), without the full surface."""
        rows = torch.cat([self.head_region, vertex_ids])
        _, display, offsets = self._display_joints(betas)
        vertices = self._map_skin(self.skin_transforms(offsets), display, rows)
        head_rows = torch.arange(len(self.head_region), device=rows.device)
        vertices = self._fit_head(vertices, betas, head_rows, self.skin_matrix[rows, self.head])
        return vertices[:, len(self.head_region):]
