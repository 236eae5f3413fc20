"""Named test sets for ``tools/test.py --test-set``: the synthetic benchmark splits and the held-out real motion.

Every set is a dataset dict of ``configs/_base_/datasets/mixed_real_motion.py`` (which includes the synthetic
benchmark's): ``synthetic_clean`` / ``synthetic_heavy`` (64 windows of the synthetic test split);
``synthetic_val_heavy`` (64 windows of the validation stream at heavy severity, where settings are chosen: never
on the test windows); ``real_clean`` / ``real_heavy`` (CMU subjects 003 and 006, held out of training: 27
non-overlapping windows of 120 frames, seen through the project's cameras, detector noise and occlusion). The real
motion is read from ``real_root``, else the environment variable ``UNIHMR_REAL_MOTION``, else ``data/cmu_amass``
(``tools/prepare_bvh.py`` output; docs/data.md).
"""
from pathlib import Path
from typing import Optional

from mmengine.config import Config

from unihmr.utils.validation import UserInputError

TEST_SETS = ('synthetic_clean', 'synthetic_heavy', 'real_clean', 'real_heavy', 'synthetic_val_heavy')
TEST_SET_CONFIG = Path('configs') / '_base_' / 'datasets' / 'mixed_real_motion.py'


def test_set_dataset(name: str, repo_root, real_root: Optional[str] = None) -> dict:
    """The dataset config of test set ``name``, from ``repo_root / TEST_SET_CONFIG``; a real set reads
    ``real_root`` if given. Raises ``UserInputError`` for an unknown name or a missing real-motion folder."""
    if name not in TEST_SETS:
        raise UserInputError(f'--test-set: unknown {name!r}; known: {list(TEST_SETS)}')
    dataset = dict(Config.fromfile(str(Path(repo_root) / TEST_SET_CONFIG))[name])
    if name.startswith('real'):
        if real_root is not None:
            dataset['root'] = str(real_root)
        if not Path(dataset['root']).is_dir():
            raise UserInputError(f"--test-set {name}: real-motion folder {dataset['root']} not found; convert the "
                                 'clips with tools/prepare_bvh.py and pass --real-motion-root or set '
                                 'UNIHMR_REAL_MOTION (docs/data.md)')
    return dataset
