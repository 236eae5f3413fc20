# Keypoint-only track (issue 15): the CPU regression model without image features, on keypoint rays, the
# bbox-normalised keypoints (kp_box, GVHMR's keypoint input), the box and the camera motion, trained on the mix of
# procedural motion (with secondary motion) and real CMU mocap (configs/_base_/datasets/mixed_real_motion.py; set
# UNIHMR_REAL_MOTION to the tools/prepare_bvh.py output). Same network and budget as gvhmr_cpu_synthetic.py.
# Evaluate on any set with tools/test.py ... --test-set {synthetic,real}_{clean,heavy}.
_base_ = ['../_base_/default_runtime.py', '../_base_/datasets/mixed_real_motion.py',
          '../_base_/models/gvhmr_regression.py', '../_base_/schedules/iter_based.py']
model_width = 128
keypoint_modalities = ('kp_rays', 'kp_box', 'bbox', 'cam_angvel')
model = dict(
    encoder=dict(width=model_width, modalities=keypoint_modalities),
    stages=[dict(name='regression', type='RegressionHead', codec=dict(type='GVHMRCodec'),
                 losses=dict(_base_.gvhmr_released_losses, verts_c=None),
                 backbone=dict(type='RoPETransformer', width=model_width, depth=4, heads=4, window=120))],
)
regression_stage = model['stages'][0]  # reused by configs/scorehmr/gvhmr_scorehmr_cpu_keypoints_mixed.py
max_iters = 4500
train_cfg = dict(max_iters=max_iters, val_interval=1500)
lr_schedule = dict(warmup=200)
optim_wrapper = dict(optimizer=dict(lr=1e-3))  # the lifting probe's rate (docs/results.md, "Why the pose learns slowly")
default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval=500, max_keep_ckpts=2))
