"""``RandomOcclusion``: occlusion (``occlusion.py``) as a transform of a whole contract window.

Use it to occlude windows that already exist (e.g. a real dataset, 3DPW-XOCC style). Synthetic windows
are better occluded at generation time (``observe_motion(severity=...)``), which also makes the
image-feature stand-in see the occlusion; this transform leaves ``img_feat`` as it is.
"""
import numpy as np
import torch

from unihmr.data.transforms.occlusion import occlusion_config, sample_occlusion, shift_to_crop
from unihmr.geometry.camera import project_points
from unihmr.registry import TRANSFORMS

__all__ = ['RandomOcclusion']

OFF_IMAGE = -1e6  # pixel coordinate given to points behind the camera, so they count as outside


@TRANSFORMS.register_module()
class RandomOcclusion:
    """Occlude a window: ``window = RandomOcclusion('heavy')(window, rng)``.

    The clean 2D joints and COCO keypoints come from the body model posed with the window's camera-frame
    ``smpl_params`` and projected with ``K``. Then ``vis`` is AND-ed with the drawn visibility, occluded
    keypoints become (0, 0, 0), a truncated window gets the box of its in-view keypoints, an 'edge'
    truncation crops the image (``K``, ``kp2d``, ``bbox`` and ``meta['image_size']`` re-expressed), and
    ``meta`` receives the occlusion description (keys as in ``observe_motion``).

    Args:
        severity: 'none', 'mild' or 'heavy' (``OCCLUSION_PRESETS``).
        body_model: a body model (default: ``EmbeddedSMPLX``, built on first use).
        **overrides: options of the preset to change.
    """

    def __init__(self, severity: str = 'mild', body_model=None, **overrides):
        self.severity = severity
        self.config = occlusion_config(severity, overrides)
        self.body_model = body_model

    def _clean_points(self, window: dict):
        """Clean projected body joints (T, 22, 2) and COCO keypoints (T, 17, 2), numpy float64."""
        if self.body_model is None:
            from unihmr.body import EmbeddedSMPLX
            self.body_model = EmbeddedSMPLX()
        params = window['smpl_params']
        with torch.no_grad():
            out = self.body_model(global_orient=params['global_orient_c'], body_pose=params['body_pose'],
                                  betas=params['betas'], transl=params['transl_c'], return_verts=False)
        K = window['K'].double()
        projected = []
        for points in (out.joints.double(), out.coco17.double()):
            pixels = project_points(points, K)
            projected.append(torch.where(points[..., 2:] > 1e-6, pixels, OFF_IMAGE).numpy())
        return projected

    def __call__(self, window: dict, rng: np.random.Generator) -> dict:
        from unihmr.data.synthetic.keypoints import bbox_from_points

        joints_px, coco_px = self._clean_points(window)
        meta = dict(window['meta'])
        K = window['K']
        image_size = meta.get('image_size') or (round(2 * float(K[0, 0, 2])), round(2 * float(K[0, 1, 2])))
        occ = sample_occlusion(joints_px, coco_px, image_size, rng, self.config)
        kp2d = window['kp2d'] * torch.from_numpy(occ['coco_vis'])[..., None]
        vis = window.get('vis', torch.ones(joints_px.shape[:2], dtype=torch.bool)) & torch.from_numpy(occ['joint_vis'])
        bbox = window['bbox']
        if occ['truncation_mode']:
            bbox = torch.from_numpy(bbox_from_points(coco_px, rng, occ['coco_in_view'])).to(bbox.dtype)
        occluders, truncation = occ['occluders'], occ['truncation']
        if occ['truncation_mode'] == 'edge':
            K, centres, occluders, truncation, image_size = shift_to_crop(
                occ['image_crop'], K.double().numpy(), bbox[:, :2].double().numpy(), occluders, truncation)
            K = torch.from_numpy(K).to(window['K'].dtype)
            bbox = torch.cat([torch.from_numpy(centres).to(bbox.dtype), bbox[:, 2:]], -1)
            shift = torch.tensor(occ['image_crop'][:2], dtype=kp2d.dtype)
            kp2d = torch.cat([(kp2d[..., :2] - shift) * (kp2d[..., 2:] > 0), kp2d[..., 2:]], -1)
        meta.update(image_size=tuple(image_size), occluders=torch.from_numpy(occluders).float(),
                    truncation=torch.from_numpy(truncation).float(), truncation_mode=occ['truncation_mode'],
                    image_crop=torch.from_numpy(occ['image_crop']).float(), masked_part=occ['part'],
                    dropout=torch.from_numpy(occ['dropout']), severity=self.severity)
        return {**window, 'kp2d': kp2d, 'vis': vis, 'bbox': bbox, 'K': K, 'meta': meta}

    def __repr__(self) -> str:
        return f'{type(self).__name__}(severity={self.severity!r})'
