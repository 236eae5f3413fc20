# Table 3 "w/o smoother": no smoother between the code vectors and the mesh decoder (the model's default is the
# release's residual temporal conv, configs/_base_/models/moro.py). Everything else as
# configs/moro/moro_cpu_keypoints_mixed.py. scripts/train_moro_ablations_cpu.sh takes the first four phases from the
# main run and trains the video phase without the smoother (the smoother's weights in those phases are dropped), so
# this measures a video phase trained without it, not a model that never had one.
_base_ = ['../moro_cpu_keypoints_mixed.py']
model = dict(stages=[dict(_base_.moro_head_cpu, smoother=None)])
