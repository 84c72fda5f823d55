"""Case files: one proliferation matter, its parties, goods, movements, exchanges and timeline."""
