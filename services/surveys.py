"""Services of the evaluation surveys and certificates (issue 10)."""


def seed_demo(ctx):
    """Add this area's fictitious demo data (idempotent); ctx: see services.demo.seed."""
