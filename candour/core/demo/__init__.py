"""The demo data set behind ``candour demo``: synthetic, deterministic, realistic enough.

``load_demo()`` is the one entry point; ``figures`` holds the numbers it draws from and
``handling`` the paths from referral to outcome.
"""

from candour.core.demo.figures import DEMO_END, DEMO_START, SEED
from candour.core.demo.load import (
    DEMO_LOGINS,
    DemoLogin,
    DemoResult,
    demo_password,
    load_demo,
)

__all__ = [
    "DEMO_END",
    "DEMO_LOGINS",
    "DEMO_START",
    "SEED",
    "DemoLogin",
    "DemoResult",
    "demo_password",
    "load_demo",
]
