"""Detector outputs in the demo: COCO results, OpenPose folders (BODY_25, COCO-18) and MMPose predictions are
read into COCO-17 by keypoint name, one person is kept (by track id, the longest track, or the best score),
and intrinsics come from the user or a field-of-view guess."""
import json

import numpy as np
import pytest

from unihmr.apis.detector_formats import BODY25_NAMES, guess_intrinsics, read_detections
from unihmr.apis.keypoint_input import KeypointFileError, load_keypoint_window
from unihmr.body.joint_sets import COCO17_NAMES
from unihmr.data.keypoint_maps import OPENPOSE18_NAMES

FRAMES = 4


def person(seed: int) -> np.ndarray:
    """COCO-17 keypoints (FRAMES, 17, 3) of a standing person in a 640 x 480 image, scores 0.9."""
    rng = np.random.default_rng(seed)
    kp = np.zeros((FRAMES, 17, 3))
    kp[..., 0] = 300 + 40 * rng.uniform(-1, 1, size=(FRAMES, 17)) + 100 * seed
    kp[..., 1] = np.linspace(100, 400, 17) + rng.uniform(-5, 5, size=(FRAMES, 17))
    kp[..., 2] = 0.9
    return kp


def coco_results(path, tracks=True):
    one, two = person(0), person(1)
    detections = []
    for frame in (2, 0, 3, 1):  # any order: frames are the sorted image ids
        detections.append(dict(image_id=frame, category_id=1, keypoints=one[frame].ravel().tolist(), score=0.6,
                               **({'track_id': 7} if tracks else {})))
        if frame < 2:  # the second person is in two frames only, with a higher score
            detections.append(dict(image_id=frame, category_id=1, keypoints=two[frame].ravel().tolist(), score=0.95,
                                   **({'track_id': 9} if tracks else {})))
    path.write_text(json.dumps(detections))
    return one, two


def test_coco_results_keep_the_longest_track_or_the_one_asked(tmp_path):
    path = tmp_path / 'results.json'
    one, two = coco_results(path)
    kp2d, note = read_detections(path)
    np.testing.assert_allclose(kp2d, one)
    assert 'coco' in note and 'track 7' in note
    kp2d, _ = read_detections(path, track_id=9)
    np.testing.assert_allclose(kp2d[:2], two[:2])
    assert not kp2d[2:].any()  # frames without track 9 are missing
    with pytest.raises(KeypointFileError, match='track_id 5'):
        read_detections(path, track_id=5)


def test_coco_results_without_tracks_keep_the_best_score(tmp_path):
    path = tmp_path / 'results.json'
    one, two = coco_results(path, tracks=False)
    kp2d, note = read_detections(path)
    np.testing.assert_allclose(kp2d[:2], two[:2])
    np.testing.assert_allclose(kp2d[2:], one[2:])
    assert 'best-scoring' in note


@pytest.mark.parametrize('layout', ['body25', 'coco18'])
def test_openpose_folders_are_mapped_by_name(tmp_path, layout):
    one = person(0)
    names = BODY25_NAMES if layout == 'body25' else OPENPOSE18_NAMES
    for frame in range(FRAMES):
        points = np.zeros((len(names), 3))
        for k, name in enumerate(COCO17_NAMES):
            points[names.index(name)] = one[frame, k]
        noise = np.full((len(names), 3), 0.2)
        people = [dict(person_id=[-1], pose_keypoints_2d=noise.ravel().tolist()),
                  dict(person_id=[-1], pose_keypoints_2d=points.ravel().tolist())]
        (tmp_path / f'video_{frame:012d}_keypoints.json').write_text(json.dumps(dict(version=1.3, people=people)))
    kp2d, note = read_detections(tmp_path)
    np.testing.assert_allclose(kp2d, one)
    assert note.startswith('openpose format, 4 frames')


@pytest.mark.parametrize('count', [17, 133])
def test_mmpose_predictions_video_and_image(tmp_path, count):
    one = person(0)
    frames = []
    for frame in range(FRAMES):
        points = np.zeros((count, 2))
        scores = np.full(count, 0.5)
        points[:17], scores[:17] = one[frame, :, :2], one[frame, :, 2]
        frames.append(dict(frame_id=frame, instances=[
            dict(keypoints=points.tolist(), keypoint_scores=scores.tolist(), bbox=[[0, 0, 10, 10]], bbox_score=0.8,
                 track_id=3)]))
    video = tmp_path / 'video.json'
    video.write_text(json.dumps(frames))
    np.testing.assert_allclose(read_detections(video)[0], one)
    image = tmp_path / 'image.json'
    image.write_text(json.dumps(frames[0]['instances']))
    np.testing.assert_allclose(read_detections(image)[0], one[:1])


def test_intrinsics_from_the_user_or_a_field_of_view_guess(tmp_path):
    np.testing.assert_allclose(guess_intrinsics((1920, 1080)), [[np.hypot(1920, 1080), 0, 960],
                                                                [0, np.hypot(1920, 1080), 540], [0, 0, 1]])
    assert guess_intrinsics((1920, 1080), fov_deg=90)[0, 0] == pytest.approx(960.0)
    path = tmp_path / 'results.json'
    coco_results(path)
    with pytest.raises(KeypointFileError, match='demo.K'):
        load_keypoint_window(path, feat_dim=8)
    window = load_keypoint_window(path, feat_dim=8, image_size=(640, 480), fps=25)
    np.testing.assert_allclose(window['K'][0].numpy(), guess_intrinsics((640, 480)), rtol=1e-6)
    assert window['kp2d'].shape == (FRAMES, 17, 3) and window['meta']['fps'] == 25
    given = load_keypoint_window(path, feat_dim=8, K=[500, 500, 320, 240])
    assert float(given['K'][0, 0, 0]) == 500 and float(given['K'][0, 1, 2]) == 240
    with pytest.raises(KeypointFileError, match='image_size'):
        load_keypoint_window(path, feat_dim=8, image_size=(640, -1))
