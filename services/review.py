"""Services of the expert review (issue 8)."""


def seed_demo(ctx):
    """Add this area's fictitious demo data (idempotent); ctx: see services.demo.seed."""
