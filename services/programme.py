"""Services of the the programme around the plan (issue 9)."""


def seed_demo(ctx):
    """Add this area's fictitious demo data (idempotent); ctx: see services.demo.seed."""
