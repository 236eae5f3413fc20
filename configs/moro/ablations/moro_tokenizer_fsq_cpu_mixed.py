# Tokenizer ablation: FSQ (levels 8, 8, 8: 512 codes, no codebook to collapse) in place of the EMA vector quantizer,
# everything else as configs/moro/moro_tokenizer_cpu_mixed.py (data, schedule, seed).
_base_ = ['../moro_tokenizer_cpu_mixed.py']
model = dict(stages=[dict(_base_.moro_tokenizer_stage_cpu, tokenizer=_base_.moro_tokenizer_cpu_fsq)])
