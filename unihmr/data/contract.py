"""The data contract: the keys, shapes and units of one motion window (DESIGN section 3).

Every dataset yields a dict with these keys for a window of T frames (a DataLoader adds a leading B).
World frame: y up (gravity along -y), ground at y = 0, metres. Camera: OpenCV (x right, y down,
z forward), ``x_c = R_w2c x_w + t_w2c``; a static camera has a constant (not identity) ``R_w2c``.
``validate_window`` checks a window and raises ``ValueError`` naming the key, the expected and the
received shape, or the non-finite values.
"""
import torch

from unihmr.body.joint_sets import NUM_BETAS, NUM_BODY_JOINTS, NUM_BODY_POSE

NUM_KEYPOINTS = 17  # COCO-17
NUM_CONTACTS = 4  # FEET_JOINT_NAMES order

# key -> (shape after the time axis, dtype kind, meaning). 'D' is the image-feature width.
OBSERVATIONS = {
    'kp2d': ((NUM_KEYPOINTS, 3), 'float', 'COCO-17 keypoints: full-image pixels x, y and confidence (0 = missing)'),
    'bbox': ((3,), 'float', 'box centre x, y and size, pixels'),
    'K': ((3, 3), 'float', 'full-image intrinsics'),
    'R_w2c': ((3, 3), 'float', 'world-to-camera rotation'),
    'img_feat': (('D',), 'float', 'per-frame image features (synthetic data: the documented stand-in)'),
    'valid': ((), 'bool', 'frame is real (not padding)'),
}
OPTIONAL_OBSERVATIONS = {
    't_w2c': ((3,), 'float', 'world-to-camera translation, metres (known for synthetic data)'),
}
SMPL_PARAMS = {
    'global_orient_c': ((3,), 'float', 'root orientation in the camera frame, axis-angle'),
    'transl_c': ((3,), 'float', 'SMPL-X transl in the camera frame, metres'),
    'global_orient_w': ((3,), 'float', 'root orientation in the world frame, axis-angle'),
    'transl_w': ((3,), 'float', 'SMPL-X transl in the world frame, metres'),
    'body_pose': ((NUM_BODY_POSE, 3), 'float', '21 body-joint rotations, axis-angle'),
    'betas': ((NUM_BETAS,), 'float', '10 shape coefficients'),
}
TARGETS = {
    'vis': ((NUM_BODY_JOINTS,), 'bool', 'per-joint visibility of the 22 body joints'),
    'contact': ((NUM_CONTACTS,), 'float', 'left/right ankle and foot contact labels in {0, 1}'),
}
META_KEYS = ('dataset', 'seq_id', 'start', 'fps', 'gravity')


def _check(name, value, tail, kind, num_frames):
    if not isinstance(value, torch.Tensor):
        raise ValueError(f'{name}: expected a torch.Tensor, got {type(value).__name__}')
    expected = (num_frames, *tail)
    shape = tuple(value.shape)
    if len(shape) != len(expected) or any(e != 'D' and e != s for e, s in zip(expected, shape)):
        raise ValueError(f'{name}: expected shape {expected}, got {shape}')
    if kind == 'bool' and value.dtype != torch.bool:
        raise ValueError(f'{name}: expected dtype torch.bool, got {value.dtype}')
    if kind == 'float':
        if not value.is_floating_point():
            raise ValueError(f'{name}: expected a floating-point tensor, got {value.dtype}')
        bad = (~torch.isfinite(value)).sum().item()
        if bad:
            raise ValueError(f'{name}: {bad} non-finite values')


def validate_window(window: dict, require_targets: bool = True) -> int:
    """Check one (unbatched) window against the contract and return its number of frames T."""
    if 'kp2d' not in window:
        raise ValueError(f"window: missing key 'kp2d'; keys present: {sorted(window)}")
    num_frames = window['kp2d'].shape[0]
    specs = dict(OBSERVATIONS)
    specs.update({k: v for k, v in OPTIONAL_OBSERVATIONS.items() if k in window})
    for key, (tail, kind, _) in specs.items():
        if key not in window:
            raise ValueError(f"window: missing key '{key}'; keys present: {sorted(window)}")
        _check(key, window[key], tail, kind, num_frames)
    if require_targets:
        params = window.get('smpl_params')
        if not isinstance(params, dict):
            raise ValueError("window: missing dict 'smpl_params'")
        for key, (tail, kind, _) in SMPL_PARAMS.items():
            if key not in params:
                raise ValueError(f"smpl_params: missing key '{key}'; keys present: {sorted(params)}")
            _check(f'smpl_params.{key}', params[key], tail, kind, num_frames)
        for key, (tail, kind, _) in TARGETS.items():
            if key not in window:
                raise ValueError(f"window: missing key '{key}'; keys present: {sorted(window)}")
            _check(key, window[key], tail, kind, num_frames)
    meta = window.get('meta')
    if not isinstance(meta, dict) or any(k not in meta for k in META_KEYS):
        raise ValueError(f"window: 'meta' must be a dict with keys {META_KEYS}, got {meta!r}"[:300])
    return num_frames
