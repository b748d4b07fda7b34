"""Training (PyTorch lives only here): corpus builder, the CodeFusion model, training, ONNX export, synthetic pairs."""
