# Table 3 "w/o motion encoder pretraining": the motion phase (T_M on clips of real and procedural motion with
# trajectory noise, paper 4.2) is left out: tokenizer -> single-frame pose -> condition -> video. T_M still exists and
# is trained in the pose and video phases. Everything else as configs/moro/moro_cpu_keypoints_mixed.py;
# scripts/train_moro_ablations_cpu.sh takes the tokenizer and pose phases from the main run.
_base_ = ['../moro_cpu_keypoints_mixed.py']
phases = [phase for phase in _base_.phases if phase['name'] != 'motion']
