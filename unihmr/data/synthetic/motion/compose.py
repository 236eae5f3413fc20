"""Sequences: 1-3 segments of motion families joined by transitions, optionally a gesture over locomotion.

Program: segment families and frame ranges are drawn first (each non-final segment long enough to show
its family whole). Consecutive locomotion segments form one gait whose parameters cross-fade (walk ->
run, walk -> turn); a gait that follows a stance family starts from standstill, one that precedes a
stance family comes to a stop; stance families start where the previous segment left the feet. Pelvis,
trunk and arm angles are joined by inertialisation (continuous value and velocity), feet never need
to be: they are continuous by construction.
"""
import numpy as np

from unihmr.body.joint_sets import NUM_BETAS

from .curves import minjerk
from .families_locomotion import crossfade, locomotion_plan
from .plan import Plan, end_state, join, layer, sample_style, stance_state
from .registry import MOTION_FAMILIES, get_family
from .rig import build_rig
from .secondary import secondary_pose
from .shapes import sample_betas
from .solve import realize

TRANSITION = 0.6  # s, inertialisation time of pelvis / trunk / arm offsets at a junction
SEGMENT_COUNTS = (1, 2, 3)
SEGMENT_COUNT_WEIGHTS = (0.3, 0.45, 0.25)
LAYER_PROBABILITY = 0.35  # a gesture over a locomotion segment, when gestures are allowed
LAYER_SECONDS = 1.5  # shortest layered gesture
GESTURE_SEGMENT = 0.4  # chance that a gesture family may also be drawn as a segment of its own (over standing)
LAYER_FADE = 0.4  # s: a layered gesture still raised at the end of its window fades out over this time
FIT_TRIES = 12  # redraws of an action that must fit before the next segment
PRE_ROLL = 1.0  # s: the first stance segment may start up to this far into its action


def _frames(seconds: float, fps: float) -> int:
    return max(int(np.ceil(seconds * fps)), 1)


def sample_program(rng: np.random.Generator, names, num_frames: int, fps: float) -> list:
    """[(family name, start, end), ...] covering [0, num_frames), plus at most one gesture over locomotion."""
    # gestures are mostly layered over locomotion rather than given a segment of their own
    main = [n for n in names if MOTION_FAMILIES[n].kind != 'gesture' or rng.uniform() < GESTURE_SEGMENT] or list(names)
    count = int(rng.choice(SEGMENT_COUNTS, p=SEGMENT_COUNT_WEIGHTS))
    for _ in range(8):  # draw families; fewer segments when their minimum durations do not fit
        picks = [main[int(rng.integers(len(main)))]]
        while len(picks) < count:
            options = [n for n in main if n != picks[-1]] or main
            picks.append(options[int(rng.integers(len(options)))])
        mins = [_frames(MOTION_FAMILIES[n].min_seconds, fps) for n in picks[:-1]] + [_frames(1.0, fps)]
        if sum(mins) <= num_frames or count == 1:
            break
        count = max(count - 1, 1)
    spare = num_frames - sum(mins) if count > 1 else 0
    shares = rng.dirichlet(np.ones(count)) * max(spare, 0)
    lengths = [m + int(s) for m, s in zip(mins, shares)] if count > 1 else [num_frames]
    lengths[-1] = num_frames - sum(lengths[:-1])
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    program = [(name, int(a), int(b)) for name, a, b in zip(picks, bounds[:-1], bounds[1:])]
    gestures = [n for n in names if MOTION_FAMILIES[n].kind == 'gesture']
    shortest = _frames(LAYER_SECONDS, fps)
    walks = [seg for seg in program if MOTION_FAMILIES[seg[0]].kind == 'locomotion' and seg[2] - seg[1] >= shortest]
    if gestures and walks and rng.uniform() < LAYER_PROBABILITY:
        _, a, b = walks[int(rng.integers(len(walks)))]
        start = a + int(rng.integers(0, b - a - shortest + 1))
        program.append((gestures[int(rng.integers(len(gestures)))], start, b))
    return program


def build_plan(program: list, rig, style, fps: float, rng: np.random.Generator, overrides=None,
               secondary: bool = False) -> Plan:
    """The ``Plan`` of a program (see ``sample_program``); ``overrides`` maps family names to parameter dicts;
    ``secondary`` adds the small ongoing motion of spine, neck, head, collars, arms and wrists (``secondary.py``)."""
    overrides = overrides or {}
    heading = rng.uniform(-np.pi, np.pi)
    state = stance_state(rig, style, rng.uniform(-0.5, 0.5, 2), heading)
    base, layered, cursor = [], [], 0
    for segment in program:  # segments tile the time line in order; one that starts before the cursor is layered
        (layered if segment[1] < cursor else base).append(segment)
        cursor = max(cursor, segment[2])
    plan, index = None, 0
    while index < len(base):
        family = get_family(base[index][0])
        if family.kind == 'locomotion':
            run = [base[index]]
            while index + len(run) < len(base) and MOTION_FAMILIES[base[index + len(run)][0]].kind == 'locomotion':
                run.append(base[index + len(run)])
            parts = [get_family(n).build(get_family(n).params(rng, rig, style, overrides.get(n, {})), rig, b - a, fps)
                     for n, a, b in run]
            stop = index + len(run) < len(base)  # a stance family follows: come to a stop
            piece = locomotion_plan(crossfade(parts, fps), rig, style, fps, rng, stop=stop, origin=state.centre,
                                    heading0=state.heading, start=None if plan is None else state)
            index += len(run)
        else:
            name, a, b = base[index]
            pre = int(rng.integers(0, _frames(PRE_ROLL, fps))) if plan is None and rng.uniform() < 0.5 else 0
            final = index == len(base) - 1
            piece = _stance_piece(name, b - a + pre, rig, style, state, fps, rng, overrides, final)
            piece = piece.crop(pre, b - a + pre)
            index += 1
        plan = piece if plan is None else join(plan, piece, fps, TRANSITION)
        state = end_state(plan)
    for name, a, b in layered:
        family = get_family(name)
        t = np.arange(b - a) / fps
        pose, weight, offset = family.build(family.params(rng, rig, style, overrides.get(name, {})), style, t)
        taper = 1.0 - minjerk((t - (t[-1] - LAYER_FADE)) / LAYER_FADE) if b < len(plan) else np.ones_like(t)
        part = layer(plan.crop(a, b), pose, weight * taper[:, None])
        plan.pose[a:b] = part.pose + offset * taper[:, None, None]
    if secondary:
        plan.pose += secondary_pose(rng, len(plan), fps)
    return plan


def _stance_piece(name, frames, rig, style, state, fps, rng, overrides, final) -> Plan:
    """A stance family, or a gesture over idle standing, repeated (fresh parameters each time) to fill ``frames``.

    In the ``final`` segment the last repetition may be cut by the end of the sequence. Elsewhere every
    action must end standing before the next segment: parameters are redrawn (up to ``FIT_TRIES`` times)
    until the action fits, else it is played faster to fit; time left over is spent standing (idle sway).
    """
    family, plan = get_family(name), None
    while plan is None or len(plan) < frames:
        left = frames - (0 if plan is None else len(plan))
        params, count = _draw(family, left, final, rig, style, fps, rng, overrides.get(name, {}))
        kind = family
        if plan is not None and not final and count > left:
            kind, params, count = get_family('idle_sway'), get_family('idle_sway').params(rng, rig, style, {}), left
        warp = 1.0 if final else max(count / left, 1.0)
        count = count if final else min(count, left)
        t = np.arange(count) / fps * warp
        if kind.kind == 'stance':
            piece = kind.build(params, rig, style, state, t, rng)
        else:
            idle = get_family('idle_sway')
            piece = idle.build(idle.params(rng, rig, style, {'shift': 0.0}), rig, style, state, t, rng)
            pose, weight, offset = kind.build(params, style, t)
            piece = layer(piece, pose, weight)
            piece.pose += offset
        plan = piece if plan is None else join(plan, piece, fps, TRANSITION)
        state = end_state(plan)
    return plan


def _draw(family, left, final, rig, style, fps, rng, overrides) -> tuple:
    """Parameters of one action and its length in frames (the whole segment for open-ended families)."""
    best = None
    for _ in range(1 if final else FIT_TRIES):
        params = family.params(rng, rig, style, overrides)
        count = left if family.duration is None else _frames(family.duration(params), fps)
        if best is None or count < best[1]:
            best = (params, count)
        if count <= left:
            break
    return best


def _check(num_frames, fps, names) -> list:
    if int(num_frames) != num_frames or num_frames < 1:
        raise ValueError(f'num_frames must be an integer >= 1, got {num_frames}')
    if not fps > 0:
        raise ValueError(f'fps must be positive, got {fps}')
    names = sorted(MOTION_FAMILIES) if names is None else list(names)
    if not names:
        raise ValueError(f'families: expected at least one family; known: {sorted(MOTION_FAMILIES)}')
    for name in names:
        get_family(name)
    return names


def sample_motion(num_frames: int, fps: float, rng: np.random.Generator, body_model, families=None, betas=None,
                  secondary: bool = False) -> dict:
    """A random sequence: 1-3 segments of random families (from ``families`` if given) with smooth transitions,
    sometimes a gesture layered over locomotion; random betas (``sample_betas``) unless given; ``secondary``
    adds secondary motion (``secondary.py``). See the package docstring for the returned dict."""
    names = _check(num_frames, fps, families)
    betas = sample_betas(rng) if betas is None else _betas(betas)
    rig = build_rig(body_model, betas)
    style = sample_style(rng, rig)
    program = sample_program(rng, names, int(num_frames), float(fps))
    plan = build_plan(program, rig, style, float(fps), rng, secondary=secondary)
    motion = realize(plan, rig, body_model, betas, float(fps))
    motion['segments'] = program
    return motion


def make_motion(family: str, num_frames: int, fps: float, rng_or_seed, body_model, betas=None, **params) -> dict:
    """One motion family for ``num_frames`` frames (deterministic by seed); ``params`` override its sampled
    parameters by name. Locomotion starts mid-gait; other families start from a relaxed stance."""
    _check(num_frames, fps, [family])
    rng = rng_or_seed if isinstance(rng_or_seed, np.random.Generator) else np.random.default_rng(rng_or_seed)
    betas = sample_betas(rng) if betas is None else _betas(betas)
    rig = build_rig(body_model, betas)
    style = sample_style(rng, rig)
    program = [(family, 0, int(num_frames))]
    plan = build_plan(program, rig, style, float(fps), rng, overrides={family: params})
    motion = realize(plan, rig, body_model, betas, float(fps))
    motion['segments'] = program
    return motion


def _betas(betas) -> np.ndarray:
    betas = np.asarray(betas.detach().cpu() if hasattr(betas, 'detach') else betas, dtype=np.float64).reshape(-1)
    if betas.shape != (NUM_BETAS,):
        raise ValueError(f'betas: expected {NUM_BETAS} values, got shape {betas.shape}')
    return betas
