"""Read a BVH file into arrays: the joint tree, each joint's offset and per-frame local rotation and position.

Parsing is ``bvhio.readAsBvh`` (a maintained reader; it builds one ``Pose`` per joint and frame, about
0.1 s for a 1,000-frame clip of 100 joints). bvhio silently skips channel names it does not know and
reads an empty motion section as zero frames, so both are checked here, before any work, with the file
and the joint named. Rotation channels are intrinsic Euler angles in the order listed (``Zrotation
Yrotation Xrotation`` is ``Rz @ Ry @ Rx``), in degrees; a joint without position channels sits at its
``OFFSET`` in its parent's frame. Lengths stay in the file's unit (``unit_scale`` converts).
"""
from dataclasses import dataclass

import numpy as np

from unihmr.data.datasets.format_checks import DatasetFormatError, require_path

ROTATION_CHANNELS = ('Xrotation', 'Yrotation', 'Zrotation')
POSITION_CHANNELS = ('Xposition', 'Yposition', 'Zposition')


class BVHFormatError(DatasetFormatError):
    """A BVH file that cannot be read as a motion (names the file and what is wrong)."""


@dataclass
class BVHMotion:
    """One BVH clip. J joints in depth-first file order, F frames.

    names (J,), parents (J,) with -1 for the root; offsets (J, 3) in the parent's frame; rotations
    (F, J, 3, 3) local; positions (F, J, 3) local translations (the offset unless the joint has position
    channels); frame_time seconds; source the file (for messages)."""

    names: tuple
    parents: tuple
    offsets: np.ndarray
    rotations: np.ndarray
    positions: np.ndarray
    frame_time: float
    source: str = ''

    @property
    def num_frames(self) -> int:
        return self.rotations.shape[0]

    def index(self, name: str) -> int:
        return self.names.index(name)

    def world(self) -> tuple:
        """Forward kinematics: world rotations (F, J, 3, 3) and positions (F, J, 3); parents precede children."""
        rotations = np.empty_like(self.rotations)
        positions = np.empty_like(self.positions)
        for j, parent in enumerate(self.parents):
            if parent < 0:
                rotations[:, j], positions[:, j] = self.rotations[:, j], self.positions[:, j]
            else:
                rotations[:, j] = rotations[:, parent] @ self.rotations[:, j]
                positions[:, j] = positions[:, parent] + (rotations[:, parent] @ self.positions[:, j, :, None])[..., 0]
        return rotations, positions


def _check_channels(path, joint) -> None:
    unknown = [c for c in joint.Channels if c not in ROTATION_CHANNELS + POSITION_CHANNELS]
    if unknown:
        raise BVHFormatError(f"{path}: joint '{joint.Name}' has unknown channels {unknown}; "
                             f'expected names from {ROTATION_CHANNELS + POSITION_CHANNELS}')
    rotation = [c for c in joint.Channels if c in ROTATION_CHANNELS]
    if rotation and len(set(rotation)) != 3:
        raise BVHFormatError(f"{path}: joint '{joint.Name}' has rotation channels {rotation}; "
                             'expected the three axes X, Y, Z once each, in any order')


def _motion_lines(path) -> list:
    """The frame lines of the MOTION section, checked against its ``Frames:`` count before bvhio reads them
    (bvhio waits forever for frame lines that a truncated file does not have)."""
    try:
        lines = [line.strip() for line in path.read_text(errors='replace').splitlines()]
    except OSError as error:
        raise BVHFormatError(f'{path}: cannot read it ({error.strerror})') from None
    if 'MOTION' not in lines:
        raise BVHFormatError(f'{path}: no MOTION section')
    start = lines.index('MOTION') + 1
    header = lines[start:start + 2]
    if len(header) < 2 or not header[0].startswith('Frames:') or not header[1].startswith('Frame Time:'):
        raise BVHFormatError(f"{path}: the MOTION section must start with 'Frames: N' and 'Frame Time: T'")
    try:
        declared = int(header[0].split(':', 1)[1])
    except ValueError:
        raise BVHFormatError(f'{path}: Frames is not a whole number: {header[0]!r}') from None
    frames = [line for line in lines[start + 2:] if line]
    if declared > len(frames):
        raise BVHFormatError(f'{path}: Frames says {declared} but the file has {len(frames)} frame lines (truncated?)')
    return frames[:declared]


def read_bvh(path) -> BVHMotion:
    """Parse ``path``; ``BVHFormatError`` naming the file (and joint) for anything that is not a motion."""
    import bvhio  # on first use: keeps the package import light
    path = require_path(path, 'BVH file')
    frame_lines = _motion_lines(path)
    try:
        container = bvhio.readAsBvh(str(path))
    except (SyntaxError, ValueError, IndexError) as error:
        raise BVHFormatError(f'{path}: not a readable BVH file ({error.args[0] if error.args else error})') from None
    joints = [entry[0] for entry in container.Root.layout()]
    for joint in joints:
        _check_channels(path, joint)
    channels = sum(len(joint.Channels) for joint in joints)
    for number, line in enumerate(frame_lines):
        if len(line.split()) != channels:
            raise BVHFormatError(f'{path}: frame {number} has {len(line.split())} values, the hierarchy has {channels} '
                                 'channels')
    frames = len(joints[0].Keyframes)
    if frames == 0:
        raise BVHFormatError(f'{path}: the MOTION section has zero frames')
    if not container.FrameTime > 0:
        raise BVHFormatError(f'{path}: Frame Time is {container.FrameTime}, expected > 0')
    index = {id(joint): j for j, joint in enumerate(joints)}
    parents = [-1] * len(joints)
    for j, joint in enumerate(joints):
        for child in joint.Children:
            parents[index[id(child)]] = j
    quats = np.array([[(k.Rotation.x, k.Rotation.y, k.Rotation.z, k.Rotation.w) for k in joint.Keyframes]
                      for joint in joints], dtype=np.float64)  # (J, F, 4) xyzw
    positions = np.array([[tuple(k.Position) for k in joint.Keyframes] for joint in joints], dtype=np.float64)
    return BVHMotion(names=tuple(joint.Name for joint in joints), parents=tuple(parents),
                     offsets=np.array([tuple(joint.Offset) for joint in joints], dtype=np.float64),
                     rotations=_quat_to_matrix(quats).transpose(1, 0, 2, 3), positions=positions.transpose(1, 0, 2),
                     frame_time=float(container.FrameTime), source=str(path))


def _quat_to_matrix(quats: np.ndarray) -> np.ndarray:
    """Unit quaternions (..., 4) xyzw -> rotation matrices (..., 3, 3) (roma's convention)."""
    import roma
    import torch
    return roma.unitquat_to_rotmat(torch.from_numpy(quats)).numpy()
