"""Registries: scope 'unihmr', lazy import of their locations, one per kind of component."""
import subprocess
import sys

from unihmr import registry


def test_every_registry_has_the_unihmr_scope():
    expected = {'models', 'heads', 'codecs', 'encoders', 'backbones', 'tokenizers', 'body_models', 'losses',
                'guidance', 'datasets', 'transforms', 'metrics'}
    assert expected <= set(registry.ALL_REGISTRIES)
    for reg in registry.ALL_REGISTRIES.values():
        assert reg.scope == 'unihmr'


def test_locations_are_imported_lazily_on_first_build():
    # A fresh interpreter that imports only the registry can still build a body model by name.
    code = (
        'import sys\n'
        'from unihmr.registry import BODY_MODELS\n'
        "assert 'unihmr.body.embedded' not in sys.modules\n"
        "model = BODY_MODELS.build(dict(type='EmbeddedSMPLX'))\n"
        "print(type(model).__name__)\n")
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == 'EmbeddedSMPLX'


def test_unknown_type_names_the_registry():
    import pytest
    with pytest.raises(KeyError, match='NoSuchModel'):
        registry.BODY_MODELS.build(dict(type='NoSuchModel'))
