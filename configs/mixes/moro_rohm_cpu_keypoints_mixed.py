# Mixing papers: RoHM (paper 5.4, the video setting) refining the shipped MoRo. RoHM runs 100 PoseNet steps (its
# documented operating point, docs/rohm.md); MoRo keeps its T = 5 (the stages' own num_steps). Evaluate with the MoRo
# checkpoint. docs/mixing.md.
_base_ = ['../moro/moro_cpu_keypoints_mixed.py', '../_base_/models/rohm.py']
# num_steps=None: each stage keeps its own step count (MoRo T = 5 from its head config); the recoverer's would set
# every generative stage's
model = dict(num_steps=None, stages=_base_.model.stages + [dict(_base_.rohm_refiner_cpu, inputs=('moro',), num_steps=100)])
