"""Posing helpers shared by codecs, losses and heads (they only need a body model, not a head)."""
import torch


def sequence_betas(betas: torch.Tensor, valid: torch.Tensor = None) -> torch.Tensor:
    """Per-sequence shape: the mean of ``betas`` (B, T, 10) over valid frames (``valid`` (B, T)), (B, 1, 10).

    Posing with one shape per sequence lets the embedded body build one rest skeleton per sequence instead
    of one per frame (GT shapes are constant per sequence; predicted ones vary a little)."""
    if valid is None:
        return betas.mean(1, keepdim=True)
    weights = valid.unsqueeze(-1).to(betas)
    return (betas * weights).sum(1, keepdim=True) / weights.sum(1, keepdim=True).clamp(min=1)


@torch.no_grad()
def with_camera_joints(batch: dict, body_model) -> dict:
    """A shallow copy of ``batch`` with ``joints_c`` (B, T, 22, 3): the body joints of its camera-frame
    ``smpl_params`` (what joint-position codec fields encode), posed with the per-sequence shape."""
    params = batch['smpl_params']
    out = body_model(global_orient=params['global_orient_c'], body_pose=params['body_pose'],
                     betas=sequence_betas(params['betas'], batch.get('valid')), transl=params['transl_c'],
                     return_verts=False)
    return dict(batch, joints_c=out.joints)


@torch.no_grad()
def with_world_joints(batch: dict, body_model) -> dict:
    """A shallow copy of ``batch`` with ``joints_w`` (B, T, 22, 3): the body joints of its world-frame ``smpl_params``
    (what RoHM's codec encodes), posed with the per-sequence shape."""
    params = batch['smpl_params']
    out = body_model(global_orient=params['global_orient_w'], body_pose=params['body_pose'],
                     betas=sequence_betas(params['betas'], batch.get('valid')), transl=params['transl_w'],
                     return_verts=False)
    return dict(batch, joints_w=out.joints)
