# Keypoint-only track (issue 15): CPU FactorizedHMR without image features (keypoint rays, bbox-normalised
# keypoints, box, camera motion) trained on the procedural + real CMU mix (configs/_base_/datasets/real_motion.py;
# UNIHMR_REAL_MOTION). Same sizes and budget as factorizedhmr_cpu_synthetic.py. Guidance (section 3.3): the
# unconditional branch drops what carries non-torso articulation, here both keypoint inputs.
_base_ = ['./factorizedhmr_cpu_synthetic.py', '../_base_/datasets/real_motion.py']
train_dataloader = dict(dataset=dict(_base_.mixed_train, _delete_=True))
keypoint_modalities = ('kp_rays', 'kp_box', 'bbox', 'cam_angvel')
completion_encoder = dict(type='ConditionEncoder', width={{_base_.model_width}}, feat_dim=64,
                          modalities=keypoint_modalities)
model = dict(encoder=dict(modalities=keypoint_modalities),
             stages=[_base_.anchor_head,
                     dict(_base_.flow_completion, encoder=completion_encoder,
                          guidance=dict(scale=1.5, drop_prob=0.1, dropped=('kp_rays', 'kp_box')))])
