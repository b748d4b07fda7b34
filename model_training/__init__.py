"""Training (PyTorch lives only here): corpus, CodeFusion model, training, ONNX export, synthetic pairs."""
