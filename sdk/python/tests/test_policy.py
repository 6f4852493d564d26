"""The waits between sends: doubling, jittered within [half, all] of the step, capped, never under Retry-After."""

import email.utils
import time
import unittest

from refract import RetryPolicy
from refract._transport import retry_after_seconds, retryable

class RetryPolicyTest(unittest.TestCase):
    policy = RetryPolicy(max_retries=5, initial_backoff=0.4, max_backoff=3.0)

    def test_doubles_with_jitter_up_to_the_cap(self):
        for retry, cap in enumerate([0.4, 0.8, 1.6, 3.0, 3.0], start=1):
            waits = {self.policy.delay(retry, None) for _ in range(200)}
            self.assertTrue(all(cap / 2 <= w <= cap for w in waits), (retry, min(waits), max(waits)))
            self.assertGreater(len(waits), 20, "jittered, not fixed")

    def test_never_retries_sooner_than_retry_after_in_seconds_or_as_a_date(self):
        self.assertEqual(7.0, self.policy.delay(1, 7.0))
        self.assertGreaterEqual(self.policy.delay(4, 0.0), 1.5)
        self.assertEqual(2.0, retry_after_seconds("2"))
        in_ten = retry_after_seconds(email.utils.formatdate(time.time() + 10, usegmt=True))
        self.assertTrue(8 < in_ten <= 10, in_ten)
        self.assertIsNone(retry_after_seconds("soon"))
        self.assertIsNone(retry_after_seconds(None))

    def test_retries_only_429_and_5xx(self):
        for status in (429, 500, 502, 503, 504):
            self.assertTrue(retryable(status), status)
        for status in (200, 400, 401, 402, 403, 404, 409, 422):
            self.assertFalse(retryable(status), status)

    def test_refuses_an_unbounded_policy(self):
        with self.assertRaises(ValueError):
            RetryPolicy(max_retries=11)
        with self.assertRaises(ValueError):
            RetryPolicy(initial_backoff=2, max_backoff=1)


if __name__ == "__main__":
    unittest.main()
