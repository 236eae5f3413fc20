# Table 3 "w/o confidence-guided masking": the video phase masks at random only (confidence_share 0; the model's
# default 0.5 sends half the clips through MoRo's confidence-guided masks, paper 4.5). Everything else as
# configs/moro/moro_cpu_keypoints_mixed.py; scripts/train_moro_ablations_cpu.sh takes the first four phases from the
# main run (the option only changes the video phase) and trains the video phase with the same seed and schedule.
_base_ = ['../moro_cpu_keypoints_mixed.py']
model = dict(stages=[dict(_base_.moro_head_cpu, confidence_share=0.0)])
