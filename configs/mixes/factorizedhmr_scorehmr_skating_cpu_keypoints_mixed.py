# Mixing papers (our choice): physics in the refiner. ScoreHMR's refinement behind the shipped keypoint-only
# FactorizedHMR (configs/mixes/factorizedhmr_scorehmr_cpu_keypoints_mixed.py) with RoHM's foot-skating energy
# (eq. 12, the release's form) added to its keypoint and temporal guidance: does a physics term in the image-prior
# refiner cut foot sliding? ScoreHMR refines the camera-frame pose only; the world trajectory the feet move on is
# FactorizedHMR's, and a foot counts as in contact where its own speed is below 0.3 m/s (contact='speed'). On the
# validation split (scripts/scorehmr_skating_search.sh) every skating weight raised foot sliding and jitter, so the
# search's rule picks weight 0, i.e. no physics term. This config keeps weight 10, the largest whose validation MPJPE
# stays within 1 mm of the plain refiner's, so that the leaderboard shows on the test windows what the term does.
# Evaluate with the FactorizedHMR checkpoint; the refiner loads its prior itself. docs/mixing.md.
_base_ = ['./factorizedhmr_scorehmr_cpu_keypoints_mixed.py', '../_base_/models/rohm.py']
skating = dict(_base_.skating_guidance_video, contact='speed', weight=10.0)
model = dict(stages=_base_.model.stages[:2] + [dict(_base_.scorehmr_refiner,
                                                    guidance=dict(_base_.scorehmr_refiner.guidance, skating=skating))])
