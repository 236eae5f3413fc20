"""Synthetic cameras: static and moving (pan, orbit, dolly, hand-held), aimed at the subject, subject kept in view.

Conventions (``unihmr.geometry``): world y up, ground at y = 0, metres; OpenCV camera (x right, y down,
z forward) with ``x_c = R_w2c x_w + t_w2c``. A camera looking along the unit world direction ``z`` has the
rows ``x = normalise(z cross up)``, ``y = z cross x``, ``z``, so a level camera looking along world +z
gets ``R_w2c = diag(-1, -1, 1)``. Intrinsics: square pixels, principal point at the image centre, focal
length from a field of view drawn in ``fov_deg`` across the LONGER image side.

Every kind places the camera at a horizontal distance ``d`` (by default chosen to frame the subject at
30-75 % of the image height) from the subject and height ``h`` above the
ground, at a random azimuth, with a small random roll and aim offset:

- ``static``: fixed pose, aimed at the centre of the subject's whole trajectory;
- ``pan``: fixed position, tracks the (smoothed) subject, plus a slow pan sweep;
- ``orbit``: circles the subject's trajectory centre at 10-45 deg/s (at most 2 m/s), tracking the subject;
- ``dolly``: moves on a straight horizontal line (push in, pull out, truck) at 0.2-1 m/s, tracking;
- ``handheld``: walks partly along with the subject, tracking, with hand shake on position and rotation.

The subject is kept in view: all 22 projected joints must lie inside the image less a margin and in
front of the camera; otherwise the distance grows (by the overshoot, at least ``retry_scale``, at most
3x; same random draws) and the camera is rebuilt, up to ``max_tries`` times.
"""
import functools
import math

import numpy as np
import torch

from unihmr.utils.validation import check_tensor

__all__ = ['CAMERA_KINDS', 'DEFAULT_IMAGE_SIZES', 'sample_camera', 'look_at', 'shift_view', 'smooth_track']

CAMERA_KINDS = ('static', 'pan', 'orbit', 'dolly', 'handheld')
DEFAULT_IMAGE_SIZES = ((1920, 1080), (1280, 720), (1080, 1920), (1024, 1024), (640, 480))
UP = np.array([0.0, 1.0, 0.0])

MAX_ROLL_DEG = 3.0  # static roll of a tripod / operator, degrees (uniform +-)
AIM_JITTER_M = 0.15  # the aim point is off the subject centre by up to this much (uniform per axis)
TRACK_SMOOTHING_S = 0.4  # a tracking camera follows the subject centre low-passed with this Gaussian sigma
PAN_SWEEP_DEG = (2.0, 10.0)  # amplitude of a pan camera's extra sweep
PAN_SWEEP_HZ = (0.05, 0.25)
ORBIT_DEG_PER_S = (10.0, 45.0)
ORBIT_MAX_SPEED = 2.0  # m/s: a far orbit turns slower
DOLLY_SPEED = (0.2, 1.0)  # m/s
MIN_HORIZONTAL_DISTANCE = 1.5  # metres between a moving camera and the subject
HANDHELD_FOLLOW = (0.0, 0.8)  # fraction of the subject's displacement the operator walks along
SHAKE_ROT_DEG = (0.3, 1.5)  # hand-shake rotation amplitude
SHAKE_POS_M = (0.005, 0.03)  # hand-shake translation amplitude
SHAKE_HZ = (0.5, 3.0)
FRAMING_DISTANCE_LIMITS = (2.0, 20.0)  # metres: framing never puts the camera closer or farther than this
HEAD_AND_SOLE_M = 0.25  # the head top and the soles lie this much beyond the head and foot joints, together


def look_at(position: np.ndarray, target: np.ndarray) -> np.ndarray:
    """World-to-camera rotations (T, 3, 3) of cameras at ``position`` (T, 3) looking at ``target`` (T, 3).

    The camera's x axis stays horizontal (no roll); the view direction must not be vertical.
    """
    z = target - position
    z = z / np.sqrt((z * z).sum(-1, keepdims=True))
    x = np.stack([-z[:, 2], np.zeros_like(z[:, 0]), z[:, 0]], axis=-1)  # z cross up, up = +y
    x = x / np.sqrt((x * x).sum(-1, keepdims=True))
    y = np.stack([z[:, 1] * x[:, 2] - z[:, 2] * x[:, 1], z[:, 2] * x[:, 0] - z[:, 0] * x[:, 2],
                  z[:, 0] * x[:, 1] - z[:, 1] * x[:, 0]], axis=-1)  # z cross x
    return np.stack([x, y, z], axis=-2)


def shift_view(R_w2c: np.ndarray, t_w2c: np.ndarray, focal: float, shift_px) -> tuple:
    """Turn cameras about their centres so that image content moves by ``shift_px`` (du, dv) pixels.

    The ray through pixel ``centre - shift_px`` becomes the optical axis (exact there and at the image
    centre, a homography elsewhere). ``R_w2c`` (T, 3, 3), ``t_w2c`` (T, 3) numpy; returns the new pair.
    Used to truncate the subject at a real image border while keeping K and the image size.
    """
    ray = np.array([-shift_px[0] / focal, -shift_px[1] / focal, 1.0])
    ray /= np.linalg.norm(ray)
    axis = np.array([ray[1], -ray[0], 0.0])  # ray cross z
    sin = np.linalg.norm(axis)
    if sin < 1e-12:
        return R_w2c, t_w2c
    k = axis / sin
    cross = np.array([[0.0, -k[2], k[1]], [k[2], 0.0, -k[0]], [-k[1], k[0], 0.0]])
    turn = np.eye(3) + sin * cross + (1.0 - ray[2]) * cross @ cross  # Rodrigues; cos = ray . z
    return turn @ R_w2c, t_w2c @ turn.T


def _about_camera_axis(angle: np.ndarray, axis: int) -> np.ndarray:
    """Rotations (T, 3, 3) by ``angle`` (T,) radians about camera axis 0 (x), 1 (y) or 2 (z)."""
    c, s = np.cos(angle), np.sin(angle)
    i, j = [k for k in range(3) if k != axis]
    R = np.zeros((len(angle), 3, 3))
    R[:, axis, axis] = 1.0
    R[:, i, i], R[:, i, j], R[:, j, i], R[:, j, j] = c, -s, s, c
    return R


@functools.lru_cache(maxsize=16)
def _gaussian_smoother(num_frames: int, sigma_frames: float) -> np.ndarray:
    """(T, T) row-normalised Gaussian weights over time, a float64 tensor (torch matmuls follow
    ``torch.set_num_threads``; NumPy's BLAS would start its own threads)."""
    lag = np.arange(num_frames)
    weights = np.exp(-0.5 * ((lag[:, None] - lag[None, :]) / sigma_frames) ** 2)
    return torch.from_numpy(weights / weights.sum(1, keepdims=True))


def smooth_track(points: np.ndarray, sigma_frames: float) -> np.ndarray:
    """Gaussian low-pass of a track (T, D) along time, renormalised at the ends (no shrinkage)."""
    if sigma_frames <= 0 or points.shape[0] == 1:
        return points.copy()
    return (_gaussian_smoother(points.shape[0], float(sigma_frames)) @ torch.from_numpy(points)).numpy()


def _smooth_noise(rng: np.random.Generator, num_frames: int, dims: int, fps: float, hz) -> np.ndarray:
    """Smooth zero-mean noise (T, dims) with values in [-1, 1]: a mean of 3 sinusoids per dimension."""
    t = np.arange(num_frames)[:, None, None] / fps
    freq = rng.uniform(*hz, size=(1, dims, 3))
    phase = rng.uniform(0, 2 * math.pi, size=(1, dims, 3))
    return np.sin(2 * math.pi * freq * t + phase).mean(-1)


def _draw(rng, kind, num_frames, fps, fov_deg, image_sizes, distance, height, subject_fraction,
          subject_height) -> dict:
    """Every random choice of one camera, drawn once so that retries only change the distance."""
    width, height_px = image_sizes[rng.integers(len(image_sizes))]
    fov = math.radians(rng.uniform(*fov_deg))
    focal = 0.5 * max(width, height_px) / math.tan(fov / 2)
    if distance is None:  # frame the subject: its height fills `subject_fraction` of the image height
        fraction = rng.uniform(*subject_fraction)
        initial = float(np.clip(focal * subject_height / (fraction * height_px), *FRAMING_DISTANCE_LIMITS))
    else:
        initial = rng.uniform(*distance)
    p = dict(kind=kind, size=(int(width), int(height_px)), focal=focal,
             distance=initial, height=rng.uniform(*height), azimuth=rng.uniform(0, 2 * math.pi),
             roll=math.radians(rng.uniform(-MAX_ROLL_DEG, MAX_ROLL_DEG)),
             aim=rng.uniform(-AIM_JITTER_M, AIM_JITTER_M, 3))
    t = np.arange(num_frames) / fps
    if kind == 'pan':
        amp, hz = math.radians(rng.uniform(*PAN_SWEEP_DEG)), rng.uniform(*PAN_SWEEP_HZ)
        p['sweep'] = amp * np.sin(2 * math.pi * hz * t + rng.uniform(0, 2 * math.pi))
    elif kind == 'orbit':
        p['orbit_rate'] = math.radians(rng.uniform(*ORBIT_DEG_PER_S)) * rng.choice([-1.0, 1.0])
        p['time'] = t
    elif kind == 'dolly':
        heading = rng.uniform(0, 2 * math.pi)
        p['dolly'] = rng.uniform(*DOLLY_SPEED) * t[:, None] * np.array([math.sin(heading), 0.0, math.cos(heading)])
    elif kind == 'handheld':
        p['follow'] = rng.uniform(*HANDHELD_FOLLOW)
        p['shake_rot'] = math.radians(rng.uniform(*SHAKE_ROT_DEG)) * _smooth_noise(rng, num_frames, 3, fps, SHAKE_HZ)
        p['shake_pos'] = rng.uniform(*SHAKE_POS_M) * _smooth_noise(rng, num_frames, 3, fps, SHAKE_HZ)
    return p


def _build(p: dict, centre: np.ndarray, track: np.ndarray, distance: float):
    """Camera centres (T, 3) and R_w2c (T, 3, 3) for the drawn parameters ``p`` at ``distance``.

    ``centre`` (3,) is the middle of the subject's trajectory, ``track`` (T, 3) the smoothed subject centre.
    """
    num_frames = track.shape[0]
    azimuth = np.full(num_frames, p['azimuth'])
    if p['kind'] == 'orbit':
        rate = p['orbit_rate']
        azimuth = azimuth + math.copysign(min(abs(rate), ORBIT_MAX_SPEED / distance), rate) * p['time']
    offset = distance * np.stack([np.sin(azimuth), np.zeros(num_frames), np.cos(azimuth)], axis=-1)
    position = np.array([centre[0], p['height'], centre[2]]) + offset
    target = track + p['aim']
    if p['kind'] == 'static':
        target = np.broadcast_to(centre + p['aim'], track.shape)
    elif p['kind'] == 'dolly':
        position = position + p['dolly']
    elif p['kind'] == 'handheld':
        position = position + p['follow'] * (track - track[:1]) * np.array([1.0, 0.0, 1.0]) + p['shake_pos']
    if p['kind'] in ('dolly', 'handheld'):  # keep a minimum horizontal distance to the subject
        away = (position - track) * np.array([1.0, 0.0, 1.0])
        gap = np.linalg.norm(away, axis=-1, keepdims=True)
        position = position + away / np.maximum(gap, 1e-9) * np.maximum(MIN_HORIZONTAL_DISTANCE - gap, 0.0)
    R = _about_camera_axis(np.full(num_frames, p['roll']), 2) @ look_at(position, target)
    if p['kind'] == 'pan':
        R = _about_camera_axis(p['sweep'], 1) @ R
    elif p['kind'] == 'handheld':
        shake = p['shake_rot']
        R = _about_camera_axis(shake[:, 0], 0) @ _about_camera_axis(shake[:, 1], 1) @ \
            _about_camera_axis(shake[:, 2], 2) @ R
    return position, R


def _view_excess(joints: np.ndarray, R: np.ndarray, position: np.ndarray, focal: float, size, margin: float) -> float:
    """How far the joints (T, J, 3) spill out of the image less ``margin`` (fraction of each side): the
    largest ratio of a joint's |x / z| or |y / z| to the allowed one (<= 1: in view; inf: behind the camera)."""
    offset = joints - position[:, None]  # (T, J, 3)
    cam = sum(offset[..., j:j + 1] * R[:, None, :, j] for j in range(3))  # R_w2c applied, (T, J, 3)
    depth = cam[..., 2:]
    if depth.min() < 0.3:
        return math.inf
    half_extent = (0.5 - margin) * np.asarray(size, dtype=np.float64) / focal  # allowed |x / z|, |y / z|
    return float((np.abs(cam[..., :2]) / (half_extent * depth)).max())


def sample_camera(joints_w: torch.Tensor, rng: np.random.Generator, kind: str = None, fov_deg=(40.0, 80.0),
                  image_sizes=DEFAULT_IMAGE_SIZES, distance=None, height=(0.8, 2.0), fps: float = 30.0,
                  margin: float = 0.05, max_tries: int = 12, retry_scale: float = 1.2,
                  subject_fraction=(0.3, 0.75)) -> dict:
    """Sample a camera that films the subject whose body joints are ``joints_w`` (T, 22, 3), world frame.

    Args:
        kind: one of ``CAMERA_KINDS``, or None for a uniformly random one.
        fov_deg: range of the field of view across the longer image side, degrees.
        image_sizes: candidate (W, H) image sizes in pixels, one drawn uniformly.
        distance: range of the initial horizontal camera-subject distance, metres (grows on retries); None
            (default) frames the subject instead: the distance at which its standing height fills a fraction
            drawn from ``subject_fraction`` of the image height (clipped to ``FRAMING_DISTANCE_LIMITS``),
            as people fill much of the frame in 3DPW / EMDB videos.
        height: range of the camera height above the ground, metres.
        fps: frame rate, for the speeds of moving cameras.
        margin: fraction of the image width / height kept free on each side.

    Returns:
        dict with ``K`` (T, 3, 3), ``R_w2c`` (T, 3, 3), ``t_w2c`` (T, 3) (float32 tensors), ``image_size``
        (W, H) ints, ``kind`` str, ``in_view`` bool (False only if ``max_tries`` did not suffice; the last
        camera is returned then).
    """
    check_tensor('joints_w', joints_w, (None, None, 3))
    if kind is None:
        kind = CAMERA_KINDS[rng.integers(len(CAMERA_KINDS))]
    if kind not in CAMERA_KINDS:
        raise ValueError(f"camera kind: unknown '{kind}'; known: {CAMERA_KINDS}")
    joints = joints_w.detach().cpu().double().numpy()
    num_frames = joints.shape[0]
    coords = np.ascontiguousarray(joints.transpose(0, 2, 1))  # (T, 3, J): fast reductions over joints
    body_centre = coords.mean(-1)  # (T, 3)
    centre = 0.5 * (coords.min(-1).min(0) + coords.max(-1).max(0))  # middle of the whole trajectory
    track = smooth_track(body_centre, TRACK_SMOOTHING_S * fps)
    subject_height = float((coords[:, 1].max(-1) - coords[:, 1].min(-1)).max()) + HEAD_AND_SOLE_M
    p = _draw(rng, kind, num_frames, fps, fov_deg, image_sizes, distance, height, subject_fraction, subject_height)
    dist = p['distance']
    for _ in range(max_tries):
        position, R = _build(p, centre, track, dist)
        excess = _view_excess(joints, R, position, p['focal'], p['size'], margin)
        in_view = excess <= 1.0
        if in_view:
            break
        dist *= min(max(retry_scale, 1.05 * excess), 3.0)  # angular extents shrink about as 1 / distance
    width, height_px = p['size']
    K = np.array([[p['focal'], 0.0, width / 2], [0.0, p['focal'], height_px / 2], [0.0, 0.0, 1.0]])
    t = -(R @ position[:, :, None])[:, :, 0]
    to_torch = lambda a: torch.from_numpy(np.ascontiguousarray(a)).float()  # noqa: E731
    return dict(K=to_torch(np.broadcast_to(K, (num_frames, 3, 3))), R_w2c=to_torch(R), t_w2c=to_torch(t),
                image_size=p['size'], kind=kind, in_view=in_view)
