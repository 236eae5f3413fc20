# The main demo (`make demo`): recover a synthetic test sequence with the shipped CPU-size GVHMR-style
# model. Use your own keypoints with `demo.input=/path/keypoints.npz` (format: docs/demo.md), another
# sequence with `demo.seed=3`, no occlusion with `demo.severity=none`.
_base_ = ['../gvhmr/gvhmr_cpu_synthetic.py', '../_base_/demo.py']
# A keypoint file without img_feat (any detector output) is recovered with the keypoint-only model (issue 15).
demo = dict(checkpoint='checkpoints/gvhmr_cpu_synthetic/model.pth',
            keypoint_only=dict(config='configs/gvhmr/gvhmr_cpu_keypoints_mixed.py',
                               checkpoint='checkpoints/gvhmr_cpu_keypoints_mixed/model.pth'))
