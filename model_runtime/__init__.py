"""Inference only (numpy + onnxruntime): the sampler, the repair search, the shipped models."""
