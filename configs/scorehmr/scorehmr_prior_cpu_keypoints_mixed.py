# Keypoint-only track (issue 15): the CPU-size ScoreHMR prior conditioned on the frame's detected keypoints (box
# coordinates and visibility; DiffusionPriorHead condition='keypoints') instead of image features, trained on the
# procedural + real CMU mix (configs/_base_/datasets/real_motion.py; UNIHMR_REAL_MOTION). As the image-feature
# prior (scorehmr_prior_cpu_synthetic.py): 3,000 training windows generated once and kept in memory, 5,000
# iterations of 16 windows.
_base_ = ['./scorehmr_prior_cpu_synthetic.py', '../_base_/datasets/real_motion.py']
model = dict(stages=[dict(_base_.scorehmr_prior_cpu, condition='keypoints')])
train_dataloader = dict(dataset=dict(_delete_=True, type='InMemoryDataset',
                                     dataset=dict(_base_.mixed_train, num_windows=3000)))
