# Recover a synthetic test sequence with the shipped CPU-size FactorizedHMR and draw 5 hypotheses of the
# non-torso articulation and world motion (their spread is drawn behind the first one). Same options as
# recover_synthetic.py (configs/_base_/demo.py); a keypoint file without img_feat goes to the keypoint-only
# FactorizedHMR (issue 15).
_base_ = ['../factorizedhmr/factorizedhmr_cpu_synthetic.py', '../_base_/demo.py']
demo = dict(checkpoint='checkpoints/factorizedhmr_cpu_synthetic/model.pth', num_samples=5,
            keypoint_only=dict(config='configs/factorizedhmr/factorizedhmr_cpu_keypoints_mixed.py',
                               checkpoint='checkpoints/factorizedhmr_cpu_keypoints_mixed/model.pth'))
