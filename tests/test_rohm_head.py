"""RoHMHead (RoHM sections 4-5): TrajControl starts as the identity, the trajectory is held in PoseNet's sampling,
masked coordinates never reach the networks, training and sampling build the same condition, guidance lowers its
energy, the window join aligns, the joint mask from keypoints, and bad input."""
import pytest
import torch

from unihmr.body.posing import with_world_joints
from unihmr.codecs.rohm import rigid_root
from unihmr.data.collate import collate_windows
from unihmr.data.datasets import CorruptedMotionDataset
from unihmr.data.datasets.synthetic import SyntheticMotionDataset
from unihmr.geometry import matrix_to_axis_angle, rotation_about_axis
from unihmr.models.estimate import Estimate
from unihmr.models.guidance import GuidanceInputs
from unihmr.models.heads.rohm_inputs import align_to_previous, camera_offset, move_world, visibility_from_keypoints
from unihmr.registry import BODY_MODELS, HEADS

TINY = dict(trajnet=dict(type='TemporalUNet', widths=(8, 16)),
            posenet=dict(type='MotionTransformer', width=32, depth=1, heads=2, ff=64, dropout=0.0),
            traj_steps=4, num_steps=6)


@pytest.fixture(scope='module')
def body():
    return BODY_MODELS.build(dict(type='EmbeddedSMPLX'))


@pytest.fixture(scope='module')
def batch():
    dataset = CorruptedMotionDataset(SyntheticMotionDataset(split='test', num_windows=2, window=24), level=3,
                                     occlusion='lower_body', seed=0)
    return collate_windows([dataset[0], dataset[1]])


def make_head(body, batch, **changes):
    torch.manual_seed(0)
    head = HEADS.build(dict(type='RoHMHead', **dict(TINY, **changes)), default_args=dict(body_model=body))
    head.codec.compute_stats([with_world_joints(batch, body)])
    return head.eval()


def test_a_fresh_trajcontrol_leaves_trajnet_unchanged_exactly(body, batch):
    head = make_head(body, batch)
    x, cond, control = torch.randn(2, 24, 13), torch.randn(2, 24, 13), torch.randn(2, 24, 272)
    plain = head.trajnet(x, 5, cond)
    assert torch.equal(head.trajcontrol(x, 5, cond, control), plain)
    torch.nn.init.normal_(head.trajcontrol.zero_convs[0].weight)  # once trained, the control matters
    assert not torch.allclose(head.trajcontrol(x, 5, cond, control), plain)


def test_trajcontrol_training_leaves_the_trajnet_frozen(body, batch):
    head = make_head(body, batch, train_part='trajcontrol').train()
    sum(head.loss(None, batch).values()).backward()
    assert all(p.grad is None for p in head.trajnet.parameters())
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in head.trajcontrol.parameters())


def test_posenet_sees_and_returns_the_trajnet_trajectory_at_every_step(body, batch):
    head = make_head(body, batch)
    seen = []
    head.posenet.register_forward_hook(lambda module, args, out: seen.append(args[0][..., head.traj_index].clone()))
    obs = head.observe(batch, {})
    traj = torch.randn(2, 24, 22)
    x = head.sample_pose(head.pose_condition(traj, obs['x'][..., head.local_index]), traj, obs, batch, 6, None, False)
    assert len(seen) == 6 and all(torch.equal(step, traj) for step in seen)
    assert torch.equal(x[..., head.traj_index], traj)


def test_masked_coordinates_never_reach_the_networks(body, batch):
    head = make_head(body, batch)
    obs = head.observe(batch, {})
    changed = dict(obs, x=torch.where(obs['mask'], obs['x'], torch.full_like(obs['x'], 7.0)))
    outputs = []
    for observed in (obs, changed):
        head.observe = lambda *args, observed=observed: observed
        torch.manual_seed(3)
        outputs.append(head.denoise_window(batch, {}, None)[0])
    assert (~obs['mask']).any()
    torch.testing.assert_close(outputs[0], outputs[1])


def test_training_and_sampling_build_the_same_pose_condition(body, batch):
    head = make_head(body, batch, noise_level=0.0, occlusion=dict(visibility=1.0))
    conditions = []
    head.posenet.register_forward_hook(lambda module, args, out: conditions.append(args[2].clone()))
    exact = dict(batch, motion_obs={name: batch['smpl_params'][name] for name in batch['motion_obs']})
    head.train().loss(None, exact)
    head.eval().denoise_window(exact, {}, 1, iterations=2)  # one step each: [training, iteration 1, iteration 2]
    local = head.local_index
    torch.testing.assert_close(conditions[0][..., local], conditions[1][..., local], atol=1e-5, rtol=0)
    assert len(conditions) == 3  # iteration 2 is conditioned on PoseNet's output, whose contacts are zeroed too
    assert all((condition[..., head.codec.slices['contact']] == 0).all() for condition in conditions)


def test_guidance_lowers_its_energy(body, batch):
    keypoints = dict(type='KeypointReprojectionEnergy', weight=1e-2, form='released')
    head = make_head(body, batch, guidance=dict(keypoints=keypoints), num_steps=10)
    # stand-ins that make the outcome depend on the guidance alone: TrajNet returns the observed trajectory and
    # PoseNet returns its input (x0_hat = x_t), so every posterior-mean shift carries to the end
    head.trajnet_out = lambda x_t, t, cond, control=None: cond
    head.posenet_out = lambda x_t, t, cond, traj, valid=None: torch.cat([traj, x_t[..., head.local_index]], -1)
    energies = []
    for guided in (False, True):
        torch.manual_seed(5)
        x, obs = head.denoise_window(batch, {}, None, iterations=1, guided=guided)
        inputs = GuidanceInputs.from_estimate(head.decode(x, batch, obs), batch, body)
        energies.append(head.guidance(inputs)[0].sum().item())
    assert energies[1] < 0.8 * energies[0]
    assert not head.guided_coords[:22].any() and not head.guided_coords[head.codec.slices['contact']].any()


def test_prediction_over_several_windows_and_samples(body, batch):
    head = make_head(body, batch, windowing=dict(window=16, overlap=8))
    estimate = head.predict(None, batch, num_samples=2)
    assert estimate.transl_w.shape == (2, 24, 3) and estimate.samples['body_pose'].shape == (2, 2, 24, 21, 3)
    assert all(torch.isfinite(value).all() for value in estimate.params.values())


def test_window_alignment_recovers_a_known_move():
    pelvis = torch.randn(1, 10, 3)
    yaw, shift = torch.tensor([0.4]), torch.tensor([[0.5, 0.0, -1.0]])
    moved = pelvis @ rotation_about_axis(yaw, 'y')[0].T + shift
    rotation, translation = align_to_previous(pelvis, moved)
    torch.testing.assert_close(rotation, rotation_about_axis(yaw, 'y'), atol=1e-5, rtol=0)
    torch.testing.assert_close(translation, shift, atol=1e-5, rtol=0)


def test_windows_are_aligned_before_the_cross_fade(body, batch):
    head = make_head(body, batch, align_windows=True)
    truth = Estimate.from_params(batch['smpl_params'], contact=batch['contact'])
    first, second = truth.slice_time(0, 16), truth.slice_time(8, 24)
    rest = head.rest_pelvis(second.betas)
    turned = move_world(second, rotation_about_axis(torch.tensor([0.5, -0.3]), 'y'),
                        torch.tensor([[0.4, 0.0, 1.0], [-2.0, 0.0, 0.3]]), rest)  # the second window drifted
    joined = head.join_windows([first, turned], [(0, 16), (8, 24)], 24, 1)
    torch.testing.assert_close(joined.transl_w, truth.transl_w, atol=1e-4, rtol=0)
    torch.testing.assert_close(joined.body_pose, truth.body_pose, atol=1e-4, rtol=0)


def test_joint_mask_from_keypoint_confidences():
    kp2d = torch.zeros(1, 1, 17, 3)
    kp2d[..., 13, 2] = 0.9  # left knee seen
    kp2d[..., 15, 2] = 0.19  # left ankle below 0.2
    vis = visibility_from_keypoints(kp2d, 0.2)[0, 0]
    assert vis.tolist() == [i == 4 for i in range(22)]
    kp2d[..., 15, 2] = 0.25
    vis = visibility_from_keypoints(kp2d, 0.2)[0, 0]
    assert vis[7] and vis[10] and not vis[8]  # the foot follows its ankle


def test_camera_offset_of_the_ground_truth_is_the_camera(body, batch):
    params = batch['smpl_params']
    rest = body(global_orient=torch.zeros(2, 24, 3), body_pose=torch.zeros(2, 24, 21, 3), betas=params['betas'],
                transl=torch.zeros(2, 24, 3), return_verts=False).joints[..., 0, :]
    torch.testing.assert_close(camera_offset(params, batch['R_w2c'], rest), batch['t_w2c'], atol=1e-4, rtol=0)


def test_rigid_root_moves_the_posed_body(body, batch):
    params = batch['smpl_params']
    rotation, offset = rotation_about_axis(torch.tensor([0.3, -1.2]), 'y'), torch.tensor([[1.0, 0.2, 0.0], [0.0, 0.0, 2.0]])
    joints = body(global_orient=params['global_orient_w'], body_pose=params['body_pose'], betas=params['betas'],
                  transl=params['transl_w'], return_verts=False).joints
    rest = joints[:, :, 0] - params['transl_w']
    orient, transl = rigid_root(params['global_orient_w'], params['transl_w'], rest, rotation, offset)
    moved = body(global_orient=matrix_to_axis_angle(orient), body_pose=params['body_pose'], betas=params['betas'],
                 transl=transl, return_verts=False).joints
    expected = (rotation[:, None, None] @ joints.unsqueeze(-1)).squeeze(-1) + offset[:, None, None]
    torch.testing.assert_close(moved, expected, atol=1e-5, rtol=0)


def test_the_observation_baseline_scores_the_input_itself(body):
    from unihmr.apis.baselines import ObservedMotion
    from unihmr.evaluation.metrics import g_mpjpe
    from unihmr.registry import MODELS
    source = SyntheticMotionDataset(split='test', num_windows=1, window=24)
    exact = collate_windows([CorruptedMotionDataset(source, level=0, occlusion='lower_body')[0]])
    model = MODELS.build(dict(type='Recoverer', stages=[dict(type='RoHMHead', **TINY)], window=24, overlap=8))
    result = ObservedMotion(model)(**exact)[0]
    assert g_mpjpe(result['pred_joints_w'], result['gt_joints_w']).max() < 1e-3  # level 0: the ground truth
    assert (result['pred_joints_c'] - result['gt_joints_c']).abs().max() < 1e-4


def test_with_its_own_checkpoint_rohm_is_a_refiner_outside_the_state_dict(body, batch, tmp_path):
    head = make_head(body, batch)
    torch.save({'state_dict': {f'stages.0.{key}': value for key, value in head.state_dict().items()}},
               tmp_path / 'rohm.pth')
    refiner = HEADS.build(dict(type='RoHMHead', checkpoint=str(tmp_path / 'rohm.pth'), **TINY),
                          default_args=dict(body_model=body))
    assert refiner.state_dict() == {} and not refiner.trainable
    assert all(torch.equal(a, b) for a, b in zip(refiner.posenet.parameters(), head.posenet.parameters()))
    torch.testing.assert_close(refiner.codec.std, head.codec.std)  # the statistics come with the weights
    with pytest.raises(ValueError, match='not trained here'):
        refiner.loss(None, batch)


# ------------------------------------------------------------------------------------------------- bad input
def test_bad_input_names_the_problem(body, batch):
    head = make_head(body, batch)
    with pytest.raises(ValueError, match='motion_obs'):
        head.predict(None, {k: v for k, v in batch.items() if k != 'motion_obs'})
    with pytest.raises(ValueError, match='vis has shape'):
        head.predict(None, dict(batch, vis=batch['vis'][..., :17]))
    with pytest.raises(ValueError, match='shorter than'):
        head.predict(None, {k: v[:, :3] if hasattr(v, 'dim') and v.dim() > 1 else v for k, v in batch.items()})
    guided = make_head(body, batch, guidance=dict(kp=dict(type='KeypointReprojectionEnergy')))
    with pytest.raises(ValueError, match='kp2d'):
        guided.predict(None, {k: v for k, v in batch.items() if k != 'kp2d'})
    with pytest.raises(ValueError, match='inputs'):
        make_head(body, batch, source='estimate')
