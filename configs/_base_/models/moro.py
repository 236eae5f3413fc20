# MoRo's parts (MoRo paper 3-4; specs/moro.md; docs/moro.md). The pose tokenizer: a mesh VQ-VAE on a pooling
# hierarchy of the embedded body's mesh, tokens of 9 numbers, codebook 512 with EMA updates, commitment 0.25 and
# dead-code reset; FSQ (levels 8, 8, 8: 512 codes) as the ablation.
# Paper size: 87 region tokens (MoRo's P), pooled 2048 -> 512 -> 87.
moro_tokenizer = dict(type='MeshVQVAE', levels=(2048, 512, 87), channels=(16, 32, 64), token_dim=9,
                      quantizer=dict(kind='vq', codebook_size=512), k=8, num_basis=8)
# CPU size: 32 region tokens, pooled 512 -> 128 -> 32. The transformers' cost grows with the tokens per frame
# (T x (P + 1) per clip): 87 tokens made a width-128 motion encoder step ~3x slower than 32 on 2 cores.
moro_tokenizer_cpu = dict(moro_tokenizer, levels=(512, 128, 32))
moro_tokenizer_cpu_fsq = dict(moro_tokenizer_cpu, quantizer=dict(kind='fsq', levels=(8, 8, 8)))
# The tokenizer stage: frames drawn from every training window (MoRo: batch 256 meshes), the round trip at test
# time fitted back to SMPL-X with 20 Adam iterations (unihmr/body/mesh_fit.py).
moro_tokenizer_stage = dict(type='PoseTokenizerHead', name='tokenizer', tokenizer=moro_tokenizer,
                            frames_per_window=16, fit=dict(iters=20))
moro_tokenizer_stage_cpu = dict(moro_tokenizer_stage, tokenizer=moro_tokenizer_cpu)
# The MoRo stage (unihmr/models/heads/moro.py). Paper size: width 1024, 8 heads, T_M depth 4, T_D depth 2, band +-60.
moro_head = dict(type='MoRoHead', name='moro', tokenizer=moro_tokenizer, codec=dict(type='MoRoCodec'), width=1024,
                 heads=8, mlp_ratio=4.0, motion_depth=4, decoder_depth=2, band=60,
                 smoother=dict(type='TokenSmoother', kind='conv', hidden=64, kernel=5, gate=0.1),
                 num_steps=5, clip=60, frames_per_window=16, random_code_fraction=0.1,
                 gumbel_temperature=(1.0, 0.01), fit=dict(iters=20))
# CPU size: width 128, 4 heads, T_M depth 2, T_D depth 1, MLP ratio 2, 32 tokens.
moro_head_cpu = dict(moro_head, tokenizer=moro_tokenizer_cpu, width=128, heads=4, mlp_ratio=2.0, motion_depth=2,
                     decoder_depth=1)
# The phases (paper 4.5, supp. A): tokenizer -> single-frame pose -> motion (60-frame clips, trajectory noise) ->
# condition (all masked, motion slots dropped) -> video (confidence-guided + random masks, condition path frozen).
moro_phase_changes = {part: {'model.stages.0.train_part': part}
                      for part in ('tokenizer', 'pose', 'motion', 'condition', 'video')}
