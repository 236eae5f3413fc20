# RoHM at CPU size (TrajNet widths 32/64/128, PoseNet width 128, 4 layers, 4 heads), trained on the mix of procedural
# and real CMU motion (configs/_base_/datasets/real_motion.py; set UNIHMR_REAL_MOTION), in the phases of supp. B.1:
# TrajNet at noise 1, 2, then 3 with masked frame spans; TrajControl (TrajNet frozen) at 2; PoseNet at 1, then 2 with
# the skating loss. 3,000 training windows of 120 frames generated once per phase and kept in memory (RoHM needs only
# the motion and the benchmark's visibility), batches of 32.
# The 3D-observation track (paper section 5.3): the test set is the synthetic clean test motions with noise level 3
# and the lower body masked (Occ-L); other levels and Occ-10 % by overriding test_dataloader.dataset.level /
# .occlusion=frame_span. Refining another method's output: configs/rohm/gvhmr_rohm_cpu_keypoints_mixed.py.
_base_ = ['../_base_/default_runtime.py', '../_base_/datasets/mixed_real_motion.py', '../_base_/models/rohm.py',
          '../_base_/schedules/iter_based.py']
rohm_head_cpu = dict(_base_.rohm_head, trajnet=_base_.rohm_trajnet_cpu, posenet=_base_.rohm_posenet_cpu)
# the operating point (Alg. 1 with K = 2, TrajNet 100 steps, PoseNet 1000: model.num_steps), overridable by tools/test.py
rohm_sampling = dict(iterations=2, use_control=True, traj_steps=100, guided=True)
# ground_world=False: the motion is decoded into the observation's own world, floor included (the recoverer's
# grounding would lift it by the predicted feet's offset and move every joint off the observed trajectory)
model = dict(type='Recoverer', encoder=None, stages=[rohm_head_cpu], window=120, overlap=30, sampler_cfg=rohm_sampling,
             num_steps=1000, ground_world=False)
train_dataloader = dict(batch_size=32, num_workers=0, persistent_workers=False,
                        dataset=dict(_delete_=True, type='InMemoryDataset',
                                     dataset=dict(_base_.mixed_train, num_windows=3000)))
occ_l_level3 = dict(type='CorruptedMotionDataset', dataset=_base_.synthetic_clean, level=3.0, occlusion='lower_body',
                    seed=0)
val_dataloader = dict(dataset=dict(_delete_=True, type='CorruptedMotionDataset', dataset=_base_.synthetic_val,
                                   level=3.0, occlusion='lower_body', seed=1))
test_dataloader = dict(dataset=dict(occ_l_level3, _delete_=True))
optim_wrapper = dict(optimizer=dict(lr=5e-4))
lr_schedule = dict(warmup=100)
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=500, max_keep_ckpts=1))
traj_iters, control_iters, pose_iters = 1200, 600, 2400
phase_changes = _base_.rohm_phase_changes
no_val = dict(val_interval=100000, val_begin=10 ** 9)  # mmengine validates at the last iteration otherwise
phases = [
    dict(name='trajnet_k1', train_cfg=dict(max_iters=traj_iters, **no_val), **phase_changes['trajnet_k1']),
    dict(name='trajnet_k2', train_cfg=dict(max_iters=traj_iters, **no_val), **phase_changes['trajnet_k2']),
    dict(name='trajnet_span', train_cfg=dict(max_iters=traj_iters, **no_val), **phase_changes['trajnet_span']),
    dict(name='trajcontrol', train_cfg=dict(max_iters=control_iters, **no_val), **phase_changes['trajcontrol']),
    dict(name='posenet_k1', train_cfg=dict(max_iters=pose_iters, **no_val), **phase_changes['posenet_k1']),
    dict(name='posenet_k2', train_cfg=dict(max_iters=pose_iters, **no_val), **phase_changes['posenet_k2']),
]
