# MoRo's parts (MoRo paper 3-4; specs/moro.md; docs/moro.md). The pose tokenizer: a mesh VQ-VAE on the embedded
# body's pooling hierarchy (512 -> 192 -> 87 region tokens of 9 numbers), codebook 512 with EMA updates, commitment
# 0.25 and dead-code reset; FSQ (levels 8, 8, 8: 512 codes) as the ablation.
moro_tokenizer = dict(type='MeshVQVAE', levels=(512, 192, 87), channels=(16, 32, 64), token_dim=9,
                      quantizer=dict(kind='vq', codebook_size=512), k=8, num_basis=8)
moro_tokenizer_fsq = dict(moro_tokenizer, quantizer=dict(kind='fsq', levels=(8, 8, 8)))
# The tokenizer stage: frames drawn from every training window (MoRo: batch 256 meshes), the round trip at test
# time fitted back to SMPL-X with 20 Adam iterations (unihmr/body/mesh_fit.py).
moro_tokenizer_stage = dict(type='PoseTokenizerHead', name='tokenizer', tokenizer=moro_tokenizer,
                            frames_per_window=16, fit=dict(iters=20))
