"""Losses shared by every head: SMPL-X parameter, joint, vertex, reprojection, contact (issue 4 on)."""
