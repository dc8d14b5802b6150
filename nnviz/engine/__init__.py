"""The NumPy engine: layers, losses, optimisers and the step-by-step training session (no Qt)."""
