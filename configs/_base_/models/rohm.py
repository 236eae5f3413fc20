# RoHM (paper sections 4-5, supp. B; shared/specs/rohm.md). TrajNet: a 1D temporal U-Net over the 13 absolute
# trajectory numbers (100 diffusion steps); PoseNet: an MDM-style transformer over the 294-number representation
# (1000 steps); TrajControl: a ControlNet-style copy of TrajNet's encoder fed PoseNet's local motion. Both x0-prediction
# on the cosine schedule, DDPM with fixed small variance. Alg. 1 with K = 2 iterations.
# Guidance (eq. 14, PoseNet only, local coordinates except contact): the video setting of the release, 2D reprojection
# and foot skating for t <= 100; the 3D-observation (AMASS) setting: skating only, t <= 50. Our energies sum over
# frames and joints where the release averages, so the weights are ours (chosen on the validation split at 100
# PoseNet steps by scripts/rohm_guidance_search.sh: docs/rohm.md, "Guidance weights"); the release's are 3e5 (2D), 1e5 (skating, video) and 3e6 (skating, AMASS).
rohm_trajnet_paper = dict(type='TemporalUNet', widths=(64, 128, 256, 512))
rohm_posenet_paper = dict(type='MotionTransformer', width=512, depth=8, heads=4, ff=1024, dropout=0.1)
rohm_trajnet_cpu = dict(type='TemporalUNet', widths=(32, 64, 128))  # top width 128: T must divide by 8
rohm_posenet_cpu = dict(type='MotionTransformer', width=128, depth=4, heads=4, ff=256, dropout=0.1)
skating_guidance_3d = dict(type='FootSkatingEnergy', weight=1e3, form='released', t_max=50)
skating_guidance_video = dict(type='FootSkatingEnergy', weight=1e3, form='released', t_max=100)
keypoint_guidance_video = dict(type='KeypointReprojectionEnergy', weight=1.0, form='released', t_max=100)
rohm_head = dict(
    name='rohm', type='RoHMHead', codec=dict(type='RoHMCodec'),
    trajnet=rohm_trajnet_paper, posenet=rohm_posenet_paper, variant='rohm', source='observation',
    losses=dict(x0=1.0, joints=100.0, velocity=1000.0, skating=0.0),  # eq. 18, the released weights
    traj_timesteps=100, pose_timesteps=1000, kind='ddpm', traj_steps=100, num_steps=1000, early_stop=None,
    iterations=2, use_control=True, guidance=dict(skating=skating_guidance_3d),
)
# RoHM refining another method's output (paper 5.4): the CPU-size networks with the weights of
# checkpoints/rohm_cpu_mixed, the joint mask from keypoint confidences below 0.2 (supp. B.3, no scene-depth test) and
# the video guidance, PoseNet stopped at t = 20 as the release does on video. Give it inputs=(<earlier stage>,).
# Used by configs/rohm/gvhmr_rohm_cpu_keypoints_mixed.py and configs/mixes/.
rohm_refiner_cpu = dict(
    rohm_head, trajnet=rohm_trajnet_cpu, posenet=rohm_posenet_cpu, source='estimate', conf_threshold=0.2,
    early_stop=20, checkpoint='checkpoints/rohm_cpu_mixed/model.pth',
    guidance=dict(keypoints=keypoint_guidance_video, skating=skating_guidance_video))
# Training corruption (supp. B.1): noise level k (k deg, k cm, 0.01 k betas) and occlusion masks. TrajNet: k = 1,
# 2, then 3 with spans of 10 % of the frames masked (p = 0.4); TrajControl: k = 2, no masks; PoseNet: k = 1 with
# 1-6 random joints, then the mixed scheme (our benchmark's visibility 0.5, lower body 0.3, upper body 0.1, the whole
# body over 30 % of the frames 0.1; the spec's numbers) at k = 1 and at k = 2 with the skating loss 0.1.
pose_mixed_occlusion = dict(visibility=0.5, lower_body=0.3, upper_body=0.1, full_body_span=0.1)
rohm_phase_changes = dict(
    trajnet_k1={'model.stages.0.train_part': 'trajnet', 'model.stages.0.noise_level': 1.0,
                'model.stages.0.occlusion': dict(none=1.0)},
    trajnet_k2={'model.stages.0.train_part': 'trajnet', 'model.stages.0.noise_level': 2.0,
                'model.stages.0.occlusion': dict(none=1.0)},
    trajnet_span={'model.stages.0.train_part': 'trajnet', 'model.stages.0.noise_level': 3.0,
                  'model.stages.0.occlusion': dict(none=0.6, frame_span=0.4)},
    trajcontrol={'model.stages.0.train_part': 'trajcontrol', 'model.stages.0.noise_level': 2.0,
                 'model.stages.0.occlusion': dict(none=1.0)},
    posenet_k1={'model.stages.0.train_part': 'posenet', 'model.stages.0.noise_level': 1.0,
                'model.stages.0.occlusion': dict(random_joints=0.5, **{k: v * 0.5 for k, v in pose_mixed_occlusion.items()})},
    posenet_k2={'model.stages.0.train_part': 'posenet', 'model.stages.0.noise_level': 2.0,
                'model.stages.0.occlusion': pose_mixed_occlusion, 'model.stages.0.losses.skating': 0.1},
)
