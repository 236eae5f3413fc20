"""Tokenizers: MoRo's mesh VQ-VAE on a pooling hierarchy of the body mesh (vector-quantize-pytorch)."""
from unihmr.models.tokenizers.mesh_hierarchy import MeshHierarchy, body_hierarchy
from unihmr.models.tokenizers.mesh_vqvae import MeshVQVAE, RegionConv, TokenQuantizer, codebook_usage

__all__ = ['MeshHierarchy', 'MeshVQVAE', 'RegionConv', 'TokenQuantizer', 'body_hierarchy', 'codebook_usage']
