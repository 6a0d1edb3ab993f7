"""Pixel work for the local provider: product cut-out, procedural scenes, grading (Pillow + numpy, CPU only)."""
