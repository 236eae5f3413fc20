"""Geometry: rotations (roma), pinhole cameras and rays, CLIFF box feature, gravity-view frames,
trajectory roll-out and canonicalisation, Procrustes / Umeyama alignment."""
from .camera import (box_normalized_points, camera_to_world, cliff_bbox_feature, default_focal_length,  # noqa: F401
                     intrinsics_from_focal, project_points, transl_to_weak_perspective, unproject_pixels,
                     weak_perspective_to_transl, world_to_camera)
from .gravity_view import (camera_angular_velocity, convert_orient, frame_rotation, get_R_c2gv,  # noqa: F401
                           get_R_gv2w, gravity_view_from_up, root_c_to_w, root_w_to_c)
from .rotations import (IDENTITY_ROT6D, axis_angle_to_matrix, axis_angle_to_quaternion,  # noqa: F401
                        axis_angle_to_rot6d, geodesic_distance, matrix_to_axis_angle, matrix_to_quaternion,
                        matrix_to_rot6d, quaternion_to_axis_angle, quaternion_to_matrix, quaternion_wxyz_to_xyzw,
                        quaternion_xyzw_to_wxyz, relative_rotation, rot6d_to_axis_angle, rot6d_to_matrix,
                        rotate_vectors, rotation_about_axis, rotation_angle)
from .trajectory import (canonicalize_trajectory, cumulative_matmul, heading_angle, heading_rotation,  # noqa: F401
                         rollout_velocity, uncanonicalize_trajectory, velocity_from_trajectory)

from .alignment import rigid_align, similarity_procrustes, umeyama  # noqa: E402,F401
