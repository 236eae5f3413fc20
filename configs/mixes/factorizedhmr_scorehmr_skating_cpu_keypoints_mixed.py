# Mixing papers (our choice): physics in the refiner. ScoreHMR's refinement behind the shipped keypoint-only
# FactorizedHMR (configs/mixes/factorizedhmr_scorehmr_cpu_keypoints_mixed.py) with RoHM's foot-skating energy
# (eq. 12, the release's form) added to its keypoint and temporal guidance: does a physics term in the image-prior
# refiner cut foot sliding? ScoreHMR refines the camera-frame pose only; the world trajectory the feet move on is
# FactorizedHMR's, and a foot counts as in contact where its own speed is below 0.3 m/s (contact='speed'). The
# skating weight was chosen on the validation split (scripts/scorehmr_skating_search.sh). Evaluate with the
# FactorizedHMR checkpoint; the refiner loads its prior itself. docs/mixing.md.
_base_ = ['./factorizedhmr_scorehmr_cpu_keypoints_mixed.py', '../_base_/models/rohm.py']
skating = dict(_base_.skating_guidance_video, contact='speed', weight=10.0)
model = dict(stages=_base_.model.stages[:2] + [dict(_base_.scorehmr_refiner,
                                                    guidance=dict(_base_.scorehmr_refiner.guidance, skating=skating))])
