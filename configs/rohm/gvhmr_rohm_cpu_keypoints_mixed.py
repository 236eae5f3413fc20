# Refining another method's output with RoHM (paper section 5.4): the shipped keypoint-only regression model
# (configs/gvhmr/gvhmr_cpu_keypoints_mixed.py) gives the initial motion; RoHM (configs/rohm/rohm_cpu_mixed.py, weights
# from its own checkpoint) denoises and infills it, with the joint mask from keypoint confidences below 0.2 (supp. B.3,
# without the scene-depth test: we have no scene mesh) and the video guidance: 2D reprojection and foot skating for
# t <= 100 (the release's PROX / EgoBody setting), PoseNet stopped at t = 20 as the release does on video. The refined
# body keeps the regression's camera. Evaluate with the regression checkpoint:
#   tools/test.py configs/rohm/gvhmr_rohm_cpu_keypoints_mixed.py checkpoints/gvhmr_cpu_keypoints_mixed/model.pth
_base_ = ['../gvhmr/gvhmr_cpu_keypoints_mixed.py', '../_base_/models/rohm.py']
rohm_refiner = dict(_base_.rohm_refiner_cpu, inputs=('regression',))
model = dict(stages=[_base_.regression_stage, rohm_refiner], num_steps=1000,
             sampler_cfg=dict(iterations=2, use_control=True, traj_steps=100, guided=True))
