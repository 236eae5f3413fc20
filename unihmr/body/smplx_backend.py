"""The SMPL-X backend: the ``smplx`` package with the user's ``SMPLX_NEUTRAL.npz``, behind ``BodyOutput``.

The model file is licensed separately (non-commercial) and never shipped; ``resolve_smplx_path`` finds
it from the config's ``model_path``, else ``$UNIHMR_SMPLX_PATH``, else ``~/.cache/unihmr/body_models``.
"""
import math
import os
from pathlib import Path

import smplx
import torch
from smplx.vertex_ids import vertex_ids as SMPLX_VERTEX_IDS
from torch import nn

from unihmr.body.base import BodyOutput, body_part_weights, prepare_inputs
from unihmr.body.joint_sets import NUM_BETAS, NUM_BODY_JOINTS
from unihmr.body.landmarks import SMPLX_FACE_VERTEX_KEYS, coco17_from_parts
from unihmr.registry import BODY_MODELS

ENV_VAR = 'UNIHMR_SMPLX_PATH'
MODEL_FILE = 'SMPLX_NEUTRAL.npz'
DEFAULT_DIR = Path('~/.cache/unihmr/body_models')
NUM_SMPLX_JOINTS = 55  # body 22, jaw, 2 eyes, 2 x 15 hand joints
NUM_EXPRESSION = 10
FACE_POSE_ARGS = ('jaw_pose', 'leye_pose', 'reye_pose')


class SMPLXModelNotFoundError(FileNotFoundError):
    """The SMPL-X model file is missing; the message says where to get it and where to put it."""


def _missing_message(searched) -> str:
    tried = '\n'.join(f'  - {path}' for path in searched)
    return (
        f'SMPL-X model file {MODEL_FILE} not found. Looked at:\n{tried}\n'
        'Get it from https://smpl-x.is.tue.mpg.de (free registration required; non-commercial licence): '
        'download "SMPL-X v1.1 NPZ" and take SMPLX_NEUTRAL.npz from its models/smplx/ folder.\n'
        f'Then either set model_path= in the body_model config (the file, or a folder holding smplx/{MODEL_FILE} '
        f'or {MODEL_FILE}), or set the environment variable {ENV_VAR}, '
        f'e.g. {ENV_VAR}=~/.cache/unihmr/body_models/smplx/{MODEL_FILE} (the default place looked at).\n'
        'Or use the embedded model instead: body_model = dict(type="EmbeddedSMPLX").')


def resolve_smplx_path(model_path=None) -> Path:
    """The SMPL-X ``.npz`` file from ``model_path``, ``$UNIHMR_SMPLX_PATH`` or the default folder.

    A path may name the file or a folder holding ``smplx/SMPLX_NEUTRAL.npz`` or ``SMPLX_NEUTRAL.npz``.
    Raises ``SMPLXModelNotFoundError`` listing the places looked at.
    """
    given = model_path if model_path is not None else os.environ.get(ENV_VAR) or DEFAULT_DIR
    base = Path(given).expanduser()
    candidates = [base] if base.suffix == '.npz' else [base / 'smplx' / MODEL_FILE, base / MODEL_FILE]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise SMPLXModelNotFoundError(_missing_message(candidates))


@BODY_MODELS.register_module()
class SMPLXBody(nn.Module):
    """SMPL-X (``smplx.SMPLX``, neutral, 10 betas, full axis-angle hands, relaxed hand mean).

    Same ``forward`` signature and ``BodyOutput`` as ``EmbeddedSMPLX``: joints are the first 22 SMPL-X
    joints, vertices (..., 10475, 3), coco17 with face points at SMPL-X's COCO vertices, full_joints the
    55 SMPL-X joints. Any leading dims are flattened for smplx and restored.

    Args:
        model_path: the ``SMPLX_NEUTRAL.npz`` file or a folder holding it (see ``resolve_smplx_path``).
        dtype: dtype of the model buffers and outputs (inputs are cast to it).
    """

    def __init__(self, model_path=None, dtype: torch.dtype = torch.float32):
        super().__init__()
        path = resolve_smplx_path(model_path)  # raises before smplx sees a missing file
        self.model = smplx.SMPLX(
            str(path), ext='npz', use_pca=False, flat_hand_mean=False, num_betas=NUM_BETAS,
            num_expression_coeffs=NUM_EXPRESSION, batch_size=1, dtype=dtype, create_betas=False,
            create_global_orient=False, create_body_pose=False, create_transl=False,
            create_left_hand_pose=False, create_right_hand_pose=False, create_expression=False,
            create_jaw_pose=False, create_leye_pose=False, create_reye_pose=False)
        self.model_path = path
        # The model file's arrays are not learned: keep them out of checkpoints (a recoverer's state_dict
        # then holds only its networks, whichever body backend it uses).
        for module in self.model.modules():
            for name, buffer in list(module.named_buffers(recurse=False)):
                module.register_buffer(name, buffer, persistent=False)
        face_ids = [SMPLX_VERTEX_IDS['smplx'][key] for key in SMPLX_FACE_VERTEX_KEYS]
        self.register_buffer('face_vertex_ids', torch.tensor(face_ids), persistent=False)

    @property
    def faces(self) -> torch.Tensor:
        """Triangles (F, 3), long."""
        return self.model.faces_tensor

    @property
    def dtype(self) -> torch.dtype:
        return self.model.v_template.dtype

    def skin_weights(self, vertex_ids: torch.Tensor) -> torch.Tensor:
        """Skin weights (K, 22) of ``vertex_ids`` (K,) on the body joints (jaw, eyes and hands folded)."""
        return body_part_weights(self.model.lbs_weights[vertex_ids], self.model.parents, NUM_BODY_JOINTS)

    def forward(self, global_orient=None, body_pose=None, betas=None, transl=None, left_hand_pose=None,
                right_hand_pose=None, return_verts: bool = True, return_full_joints: bool = False,
                vertex_ids: torch.Tensor = None) -> BodyOutput:
        """Pose SMPL-X. Returns joints (..., 22, 3), vertices (..., 10475, 3) or None (with ``vertex_ids`` (K,):
        those vertices, (..., K, 3)), coco17 (..., 17, 3), full_joints (..., 55, 3) when ``return_full_joints``
        else None."""
        device = self.model.v_template.device
        batch_shape, x = prepare_inputs(
            self.dtype, device, global_orient=global_orient, body_pose=body_pose, betas=betas, transl=transl,
            left_hand_pose=left_hand_pose, right_hand_pose=right_hand_pose)
        frames = math.prod(batch_shape)
        flat = {name: value.reshape(frames, -1) for name, value in x.items()}
        zeros3 = torch.zeros(frames, 3, dtype=self.dtype, device=device)
        out = self.model(**flat, **{name: zeros3 for name in FACE_POSE_ARGS},
                         expression=torch.zeros(frames, NUM_EXPRESSION, dtype=self.dtype, device=device),
                         return_verts=True, return_shaped=False)
        joints = out.joints[:, :NUM_BODY_JOINTS]
        coco17 = coco17_from_parts(joints, out.vertices[:, self.face_vertex_ids])

        def unflat(value):
            return value.reshape(*batch_shape, *value.shape[1:])

        vertices = out.vertices if vertex_ids is None else out.vertices[:, vertex_ids]
        return BodyOutput(joints=unflat(joints), vertices=unflat(vertices) if return_verts else None,
                          coco17=unflat(coco17),
                          full_joints=unflat(out.joints[:, :NUM_SMPLX_JOINTS]) if return_full_joints else None)
