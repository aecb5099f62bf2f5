"""Two-way channels: Q&A (O8), corruption complaints (O30) and their statistics (O31), feedback (O32)."""
