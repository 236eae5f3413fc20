"""unihmr's registries: mmengine child registries in scope ``unihmr``.

Every buildable piece (model, head, codec, encoder, backbone, body model, loss, guidance energy,
dataset, transform, metric, runner hook, collate function) is registered in one of these and built from a config dict with a
``type`` key. ``locations`` makes the registry import its package on first use, so a config can
name a class that no code has imported yet.
"""
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import FUNCTIONS as MMENGINE_FUNCTIONS
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import Registry

SCOPE = 'unihmr'

# Whole recoverers (mmengine BaseModel subclasses); children of mmengine's MODELS so the Runner finds them.
MODELS = Registry('model', parent=MMENGINE_MODELS, scope=SCOPE, locations=['unihmr.models'])
HEADS = Registry('head', scope=SCOPE, locations=['unihmr.models.heads'])
CODECS = Registry('codec', scope=SCOPE, locations=['unihmr.codecs'])
ENCODERS = Registry('encoder', scope=SCOPE, locations=['unihmr.models.encoders'])
BACKBONES = Registry('backbone', scope=SCOPE, locations=['unihmr.models.backbones'])
TOKENIZERS = Registry('tokenizer', scope=SCOPE, locations=['unihmr.models.tokenizers'])
BODY_MODELS = Registry('body model', scope=SCOPE, locations=['unihmr.body'])
LOSSES = Registry('loss', scope=SCOPE, locations=['unihmr.models.losses'])
GUIDANCE = Registry('guidance', scope=SCOPE, locations=['unihmr.models.guidance'])
DATASETS = Registry('dataset', parent=MMENGINE_DATASETS, scope=SCOPE, locations=['unihmr.data.datasets'])
TRANSFORMS = Registry('transform', parent=MMENGINE_TRANSFORMS, scope=SCOPE, locations=['unihmr.data.transforms'])
HOOKS = Registry('hook', parent=MMENGINE_HOOKS, scope=SCOPE, locations=['unihmr.engine'])
FUNCTIONS = Registry('function', parent=MMENGINE_FUNCTIONS, scope=SCOPE, locations=['unihmr.data.collate'])
METRICS = Registry('metric', parent=MMENGINE_METRICS, scope=SCOPE, locations=['unihmr.evaluation'])

# mmengine's own kinds, as children in scope 'unihmr' so the Runner finds its loops, optimisers,
# schedulers, samplers and visualisation backends without falling back with a warning.
from mmengine import registry as _mm  # noqa: E402

RUNNER_REGISTRIES = {
    name.lower(): Registry(name.lower(), parent=getattr(_mm, name), scope=SCOPE)
    for name in ('RUNNERS', 'RUNNER_CONSTRUCTORS', 'LOOPS', 'OPTIMIZERS', 'OPTIM_WRAPPERS',
                 'OPTIM_WRAPPER_CONSTRUCTORS', 'PARAM_SCHEDULERS', 'DATA_SAMPLERS', 'MODEL_WRAPPERS',
                 'WEIGHT_INITIALIZERS', 'VISUALIZERS', 'VISBACKENDS', 'LOG_PROCESSORS', 'EVALUATOR',
                 'INFERENCERS', 'TASK_UTILS', 'STRATEGIES')
}

ALL_REGISTRIES = {
    'models': MODELS, 'heads': HEADS, 'codecs': CODECS, 'encoders': ENCODERS, 'backbones': BACKBONES,
    'tokenizers': TOKENIZERS, 'body_models': BODY_MODELS, 'losses': LOSSES, 'guidance': GUIDANCE,
    'datasets': DATASETS, 'transforms': TRANSFORMS, 'metrics': METRICS, 'hooks': HOOKS,
    'functions': FUNCTIONS,
}
