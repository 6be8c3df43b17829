"""Settings of the test suite (pytest's DJANGO_SETTINGS_MODULE): `htrae.settings` exactly, with
a throwaway secret key of the suite's own.

Served mode refuses a short or public SECRET_KEY (htrae/settings.py), and the suite runs in
served mode whenever DATABASE_URL is set, often with a short key such as
`test-only-secret-key` in the environment. Rather than weaken that rule for tests, the suite
brings a key that passes it; it signs nothing that outlives the run. The refusals themselves
are tested by running `htrae.settings` in a subprocess (tests/test_settings_safety.py).
"""

import os

TEST_SECRET_KEY = "htrae-test-suite-only-Zq7wK2mVx9Lp4Rt8Ns3Bd6Fh1Jc5Gy0Ue"
os.environ["SECRET_KEY"] = TEST_SECRET_KEY

from htrae.settings import *  # noqa: E402, F403
