"""verify_notification on fixed vectors: the signatures are HMAC-SHA256 of "1768923001." + BODY computed outside
this code (with the hmac module by hand, not through the SDK), under "whsec_new" and "whsec_previous"."""

import unittest

from refract import SignatureVerificationError, verify_notification

BODY = (
    b'{"id":"evt_1","type":"refund.succeeded","created_at":"2026-01-20T15:30:01Z",'
    b'"data":{"merchant_refund_id":"refund_001","status":"SUCCEEDED","amount":{"minor_amount":1000,"currency":"USD"}}}'
)
NEW = "20e4d969fec37530b4a5b9aaf44b7ed661cc632b148a01aad7bbb7659946521a"
PREVIOUS = "77b69060e203690597989079811c38852ce4057f447c5c072b103f05e767cbc7"
SIGNED = 1768923001


def verify(header, secrets, now=SIGNED, body=BODY):
    return verify_notification(body, header, secrets, 300, now=now)


class VerifyNotificationTest(unittest.TestCase):
    def refused(self, header, secrets, now=SIGNED, body=BODY):
        with self.assertRaises(SignatureVerificationError, msg=repr(header)):
            verify(header, secrets, now, body)

    def test_accepts_a_signature_of_the_secret_and_parses_the_notification(self):
        for body in (BODY, BODY.decode(), bytearray(BODY), memoryview(BODY)):
            n = verify(f"t={SIGNED},v1={NEW}", ["whsec_new"], body=body)
            self.assertEqual("evt_1", n["id"])
            self.assertEqual("refund.succeeded", n["type"])
            self.assertEqual("refund_001", n["data"]["merchant_refund_id"])
            self.assertEqual({"minor_amount": 1000, "currency": "USD"}, n["data"]["amount"])

    def test_any_v1_matching_any_secret_is_enough_during_a_rotation(self):
        rotating = f"t={SIGNED},v1={NEW},v1={PREVIOUS}"
        verify(rotating, ["whsec_new"])
        verify(rotating, ["whsec_previous"])
        verify(rotating, ["whsec_unrelated", "whsec_previous"])
        verify(f"t={SIGNED},v1={PREVIOUS}", ["whsec_new", "whsec_previous"])

    def test_refuses_a_wrong_secret_a_tampered_body_and_another_timestamp(self):
        self.refused(f"t={SIGNED},v1={NEW}", ["whsec_other"])
        self.refused(f"t={SIGNED},v1={NEW}", ["whsec_new"], body=BODY.replace(b"1000", b"9000"))
        self.refused(f"t={SIGNED + 1},v1={NEW}", ["whsec_new"])

    def test_refuses_a_timestamp_outside_the_tolerance(self):
        verify(f"t={SIGNED},v1={NEW}", ["whsec_new"], now=SIGNED + 300)
        with self.assertRaises(SignatureVerificationError) as caught:
            verify(f"t={SIGNED},v1={NEW}", ["whsec_new"], now=SIGNED + 301)
        self.assertEqual(
            "the notification was signed 301 s from now, outside the tolerance of 300 s", str(caught.exception)
        )
        self.refused(f"t={SIGNED},v1={NEW}", ["whsec_new"], now=SIGNED - 301)

    def test_refuses_malformed_headers(self):
        for header in (
            "",
            f"v1={NEW}",
            f"t={SIGNED}",
            f"t=abc,v1={NEW}",
            f"t={SIGNED},t={SIGNED},v1={NEW}",
            f"t={SIGNED},v1={NEW[2:]}",
            f"t={SIGNED},v0={NEW}",
            "garbage",
            None,
        ):
            self.refused(header, ["whsec_new"])
        with self.assertRaises(ValueError):
            verify(f"t={SIGNED},v1={NEW}", [])
        with self.assertRaises(ValueError, msg="one secret given as a string, not a list"):
            verify(f"t={SIGNED},v1={NEW}", "whsec_new")

    def test_a_refusal_names_neither_the_secret_nor_the_expected_signature(self):
        with self.assertRaises(SignatureVerificationError) as caught:
            verify(f"t={SIGNED},v1={PREVIOUS.replace('7', '8')}", ["whsec_new"])
        self.assertNotIn("whsec_new", str(caught.exception))
        self.assertNotIn(NEW, str(caught.exception))


if __name__ == "__main__":
    unittest.main()
