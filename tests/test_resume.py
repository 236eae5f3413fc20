"""mmengine Runner checkpoints load with torch.load(weights_only=True) and resume training (torch >= 2.6)."""
import pytest
import torch
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch import nn
from torch.utils.data import Dataset


class _Pairs(Dataset):
    def __len__(self):
        return 16

    def __getitem__(self, index):
        generator = torch.Generator().manual_seed(index)
        return dict(x=torch.randn(4, generator=generator), y=torch.randn(1, generator=generator))


class _Linear(BaseModel):
    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(4, 1)

    def forward(self, x, y, mode='tensor'):
        if mode == 'loss':
            return dict(loss=((self.layer(x) - y) ** 2).mean())
        return self.layer(x)


def _runner(work_dir, max_iters, resume, hooks):
    return Runner(
        model=_Linear(), work_dir=str(work_dir), default_scope='unihmr', resume=resume,
        train_dataloader=dict(dataset=_Pairs(), sampler=dict(type='DefaultSampler', shuffle=True),
                              batch_size=4, collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='AdamW', lr=1e-2)),
        train_cfg=dict(by_epoch=False, max_iters=max_iters),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=2, by_epoch=False),
                           logger=dict(type='LoggerHook', interval=1)),
        custom_hooks=hooks, randomness=dict(seed=0),
        experiment_name=f'{work_dir.name}-{max_iters}-{resume}-{len(hooks)}')


def test_resume_continues_from_the_saved_iteration(tmp_path):
    first = _runner(tmp_path, 2, False, [dict(type='SafeCheckpointHook')])
    first.train()
    saved = {k: v.clone() for k, v in first.model.state_dict().items()}
    checkpoint = torch.load(tmp_path / 'iter_2.pth', weights_only=True)  # the safe default loader
    assert checkpoint['meta']['iter'] == 2
    assert torch.equal(checkpoint['state_dict']['layer.weight'], saved['layer.weight'])

    second = _runner(tmp_path, 4, True, [dict(type='SafeCheckpointHook')])
    second.load_or_resume()
    assert second.iter == 2
    for key, value in second.model.state_dict().items():
        assert torch.equal(value, saved[key]), key
    assert second.message_hub.get_scalar('train/loss').data[0].shape[0] == 2  # logged history restored
    second.train()
    assert second.iter == 4 and (tmp_path / 'iter_4.pth').exists()


def test_without_the_hook_torch_refuses_the_checkpoint(tmp_path):
    _runner(tmp_path, 2, False, []).train()
    with pytest.raises(Exception, match='HistoryBuffer'):
        torch.load(tmp_path / 'iter_2.pth', weights_only=True)
