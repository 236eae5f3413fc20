"""Load mmengine Python configs, apply OmegaConf dotlist overrides with validation, save the result.

Every tool calls :func:`load_config` with the config path and the ``key=value`` overrides that
follow it on the command line. Overrides are parsed by OmegaConf (YAML typing: ``2`` is an int,
``0.5`` a float, ``true`` a bool, ``[1,2]`` a list, ``null`` None) and checked against the config
before anything runs: an unknown key fails with the allowed keys at that level, a value of the
wrong type fails with the expected type. A key prefixed with ``+`` is added rather than replaced.
"""
import difflib
from pathlib import Path

from mmengine.config import Config, ConfigDict
from omegaconf import OmegaConf

from unihmr.utils.io import atomic_path


class ConfigOverrideError(ValueError):
    """A command-line override names an unknown key or gives a value of the wrong type."""


def _expected_type_error(key, old, new):
    return ConfigOverrideError(
        f'config override {key}={new!r}: expected {type(old).__name__} (current value {old!r}), '
        f'got {type(new).__name__}')


def _coerce(key: str, old, new):
    """Return ``new`` converted to the type of ``old``, or raise ConfigOverrideError."""
    if old is None or new is None:
        return new
    if isinstance(old, bool):
        if isinstance(new, bool):
            return new
        raise _expected_type_error(key, old, new)
    if isinstance(old, int):
        if isinstance(new, int) and not isinstance(new, bool):
            return new
        raise _expected_type_error(key, old, new)
    if isinstance(old, float):
        if isinstance(new, (int, float)) and not isinstance(new, bool):
            return float(new)
        raise _expected_type_error(key, old, new)
    if isinstance(old, str):
        if isinstance(new, (str, int, float)) and not isinstance(new, bool):
            return str(new)
        raise _expected_type_error(key, old, new)
    if isinstance(old, (list, tuple)):
        if isinstance(new, (list, tuple)):
            return type(old)(new)
        raise _expected_type_error(key, old, new)
    if isinstance(old, dict):
        raise ConfigOverrideError(
            f'config override {key}={new!r}: {key} is a section with keys {sorted(old)}; '
            f'set one of its keys, e.g. {key}.{next(iter(old), "name")}=...')
    return new


def _unknown_key_error(key: str, name: str, allowed) -> ConfigOverrideError:
    allowed = sorted(str(a) for a in allowed)
    hint = difflib.get_close_matches(name, allowed, n=1)
    did_you_mean = f" Did you mean '{hint[0]}'?" if hint else ''
    return ConfigOverrideError(
        f"unknown config key '{key}'.{did_you_mean} Allowed keys here: {', '.join(allowed) or '(none)'}. "
        f"Prefix with '+' to add a new key.")


def _apply(node, path: list, value, add: bool, full_key: str):
    """Set ``value`` at ``path`` inside the nested dict/list ``node``, validating as we go."""
    name, rest = path[0], path[1:]
    if isinstance(node, (list, tuple)):
        if not name.isdigit() or int(name) >= len(node):
            raise ConfigOverrideError(f"config override '{full_key}': '{name}' is not an index of a list of length {len(node)}")
        if isinstance(node, tuple):
            raise ConfigOverrideError(f"config override '{full_key}': cannot set an item of a tuple; set the whole value")
        index = int(name)
        if rest:
            _apply(node[index], rest, value, add, full_key)
        else:
            node[index] = _coerce(full_key, node[index], value)
        return
    if not isinstance(node, dict):
        raise ConfigOverrideError(f"config override '{full_key}': the parent of '{name}' is a value, not a section")
    if name not in node:
        if not add:
            raise _unknown_key_error(full_key, name, node.keys())
        node[name] = ConfigDict() if rest else value
    if rest:
        _apply(node[name], rest, value, add, full_key)
    else:
        node[name] = value if (add and name not in node) else _coerce(full_key, node[name], value)


def parse_overrides(overrides) -> list:
    """Parse ``key=value`` strings into ``(key, value, add)`` triples with OmegaConf's typing."""
    parsed = []
    for item in overrides:
        if '=' not in item:
            raise ConfigOverrideError(f"config override '{item}' must look like key=value (e.g. train_cfg.max_iters=10)")
        key, raw = item.split('=', 1)
        add = key.startswith('+')
        key = key.lstrip('+')
        if not key or any(not part for part in key.split('.')):
            raise ConfigOverrideError(f"config override '{item}': empty key name")
        try:
            value = OmegaConf.to_container(OmegaConf.from_dotlist([f'value={raw}']))['value']
        except Exception as error:  # OmegaConf / YAML parse errors of many types
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise ConfigOverrideError(f"config override '{item}': cannot parse the value {raw!r} ({reason})") from None
        parsed.append((key, value, add))
    return parsed


def apply_overrides(cfg: Config, overrides) -> Config:
    """Validate and apply dotlist overrides to ``cfg`` in place; returns ``cfg``."""
    for key, value, add in parse_overrides(overrides):
        root = cfg._cfg_dict  # the ConfigDict behind the Config
        _apply(root, key.split('.'), value, add, key)
    return cfg


def load_config(path, overrides=()) -> Config:
    """Read a Python config (with ``_base_`` inheritance) and apply validated overrides."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'config file not found: {path}')
    cfg = Config.fromfile(str(path))
    apply_overrides(cfg, list(overrides))
    return cfg


def save_config(cfg: Config, out_dir, name: str = 'config.py') -> Path:
    """Write the fully resolved config beside an output (atomically) and return its path."""
    target = Path(out_dir) / name
    with atomic_path(target) as tmp:
        cfg.dump(str(tmp))
    return target
