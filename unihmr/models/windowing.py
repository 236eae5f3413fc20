"""Windows over long sequences and the cross-fade that joins them (the default of every head, ``heads.base``).

A sequence longer than ``window`` frames is cut into spans of ``window`` frames that share ``overlap`` frames
with their neighbours (the last span starts earlier so that it ends on the last frame). A head that predicts a
continuous representation blends its windows' normalised values with linear ramps over the shared frames and
decodes the whole sequence once, so world trajectories are rolled out once. Heads whose representation must
not be averaged (discrete tokens, per-clip canonical frames) override ``BaseHead.predict``.
"""
import torch


def window_spans(num_frames: int, window: int, overlap: int) -> list:
    """(start, end) spans of length ``window`` (the last one may start earlier) covering every frame."""
    if num_frames <= window:
        return [(0, num_frames)]
    stride = window - overlap
    starts = list(range(0, num_frames - window, stride)) + [num_frames - window]
    return [(start, start + window) for start in starts]


def crossfade_weights(spans: list, num_frames: int) -> torch.Tensor:
    """(num_spans, T) weights that sum to 1 per frame: linear ramps where consecutive spans overlap."""
    weights = torch.zeros(len(spans), num_frames)
    for index, (start, end) in enumerate(spans):
        w = torch.ones(end - start)
        if index > 0:
            shared = spans[index - 1][1] - start
            w[:shared] = torch.linspace(0, 1, shared + 2)[1:-1]
        if index + 1 < len(spans):
            shared = end - spans[index + 1][0]
            w[end - start - shared:] = torch.linspace(1, 0, shared + 2)[1:-1]
        weights[index, start:end] = w
    return weights / weights.sum(0, keepdim=True)


class Windowing:
    """``window`` frames per inference window, ``overlap`` frames shared by consecutive windows."""

    def __init__(self, window: int = 120, overlap: int = 30):
        if not 0 <= overlap < window:
            raise ValueError(f'windowing: need 0 <= overlap < window, got overlap={overlap}, window={window}')
        self.window, self.overlap = int(window), int(overlap)

    def spans(self, num_frames: int) -> list:
        return window_spans(num_frames, self.window, self.overlap)

    def join(self, parts: list, spans: list, num_frames: int, time_dim: int = 1) -> torch.Tensor:
        """Join the windows' tensors ``parts`` by cutting every overlap at its middle (MoRo's release: what cannot be
        averaged, such as token ids, comes whole from one window per frame)."""
        pieces = []
        for index, (part, (start, end)) in enumerate(zip(parts, spans)):
            first = start if index == 0 else (spans[index - 1][1] + start) // 2
            last = end if index == len(spans) - 1 else (end + spans[index + 1][0]) // 2
            pieces.append(part.narrow(time_dim, first - start, last - first))
        out = torch.cat(pieces, dim=time_dim)
        assert out.shape[time_dim] == num_frames, 'windows must cover the sequence'
        return out

    def blend(self, parts: list, spans: list, num_frames: int, time_dim: int = 1) -> torch.Tensor:
        """Cross-fade the windows' tensors ``parts`` (time on ``time_dim``, one per span) into one tensor of
        ``num_frames`` frames. A single window is returned as it is."""
        if len(parts) == 1:
            return parts[0]
        weights = crossfade_weights(spans, num_frames).to(parts[0])
        blended = 0.0
        for part, (start, _), weight in zip(parts, spans, weights):
            shape = list(part.shape)
            shape[time_dim] = num_frames
            full = part.new_zeros(shape)
            full.narrow(time_dim, start, part.shape[time_dim]).copy_(part)
            view = [1] * full.dim()
            view[time_dim] = num_frames
            blended = blended + full * weight.view(view)
        return blended
