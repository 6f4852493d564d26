"""Retries through a proxy that spoils answers, against the real service: a retried create reuses its
merchant_refund_id and one refund results; Retry-After is waited for; other 4xx are never retried; retries end."""

import json
import pickle
import socket
import traceback
import unittest

import refract
from tests.support import FaultyProxy, client, new_merchant, request, require_service, unique

FAST = refract.RetryPolicy(max_retries=3, initial_backoff=0.05, max_backoff=0.2, max_retry_after=5)


class RetryTest(unittest.IsolatedAsyncioTestCase):
    @classmethod
    def setUpClass(cls):
        require_service()
        cls.merchant_id, cls.api_key = new_merchant()

    def setUp(self):
        self.direct = client(self.api_key)
        self.proxy = FaultyProxy()
        self.via_proxy = client(self.api_key, self.proxy.url, FAST)

    def tearDown(self):
        self.proxy.close()

    async def refunds_of(self, payment):
        return [r async for r in self.direct.list(connector_transaction_id=payment)]

    async def test_a_lost_answer_is_retried_with_the_same_id_and_makes_one_refund(self):
        refund_id, payment = unique("rf_py_drop"), unique("sbx_10000_USD")
        self.proxy.fail_next("drop")
        with self.assertLogs("refract", level="DEBUG") as logged:
            result = await self.via_proxy.refund(request(refund_id, payment, 4000))
        sent = self.proxy.seen
        self.assertEqual(2, len(sent), "the first send's answer was lost, the second was answered")
        self.assertEqual(sent[0][2], sent[1][2], "the retry is the same request")
        self.assertEqual(refund_id, json.loads(sent[1][2])["merchant_refund_id"])
        self.assertTrue(result.idempotent_replayed, "the first send made the refund; the retry found it")
        self.assertEqual("SUCCEEDED", result["status"])
        refunds = await self.refunds_of(payment)
        self.assertEqual(1, len(refunds), "one refund, not two")
        self.assertEqual(refund_id, refunds[0]["merchant_refund_id"])
        self.assertEqual(4000, refunds[0]["amount"]["minor_amount"])
        self.assertTrue(any("no answer" in line for line in logged.output), logged.output)
        self.assertFalse(any(self.api_key in line for line in logged.output), "the API key is in a log line")

    async def test_a_503_with_retry_after_is_waited_for_then_retried_with_the_same_id(self):
        refund_id, payment = unique("rf_py_503"), unique("sbx_10000_USD")
        self.proxy.retry_after = "1"
        self.proxy.fail_next("503")
        result = await self.via_proxy.refund(request(refund_id, payment, 1500))
        sent = self.proxy.seen
        self.assertEqual(2, len(sent))
        self.assertEqual(sent[0][2], sent[1][2])
        waited = sent[1][3] - sent[0][3]
        self.assertGreaterEqual(waited, 1.0, f"Retry-After: 1 was honoured, retried after {waited:.3f} s")
        self.assertFalse(result.idempotent_replayed, "the 503 came from the proxy: the retry made the refund")
        self.assertEqual(1, len(await self.refunds_of(payment)))

    async def test_a_429_is_retried(self):
        refund_id, payment = unique("rf_py_429"), unique("sbx_10000_USD")
        self.proxy.retry_after = "0"
        self.proxy.fail_next("429", "429")
        result = await self.via_proxy.refund(request(refund_id, payment, 100))
        self.assertEqual(3, len(self.proxy.seen))
        self.assertEqual(refund_id, result["merchant_refund_id"])
        self.assertEqual(1, len(await self.refunds_of(payment)))

    async def test_an_other_4xx_is_never_retried(self):
        with self.assertRaises(refract.AmountExceedsRefundableError):
            await self.via_proxy.refund(request(unique("rf_py"), unique("sbx_10000_USD"), 20000))
        with self.assertRaises(refract.RefundNotFoundError):
            await self.via_proxy.get("rf_py_missing")
        self.assertEqual(2, len(self.proxy.seen), "one send each")

    async def test_retries_are_bounded_and_the_last_answer_raised(self):
        refund_id = unique("rf_py_down")
        self.proxy.retry_after = "0"
        self.proxy.fail_next("503", "503", "503", "503")
        with self.assertRaises(refract.ServiceUnavailableError) as caught:
            await self.via_proxy.refund(request(refund_id, unique("sbx_10000_USD"), 100))
        self.assertEqual(4, len(self.proxy.seen), "one send and three retries")
        self.assertEqual(4, caught.exception.attempts)
        self.assertEqual(503, caught.exception.http_status)
        with self.assertRaises(refract.RefundNotFoundError):
            await self.direct.get(refund_id)

    async def test_a_retry_after_longer_than_allowed_is_raised_with_it(self):
        self.proxy.retry_after = "120"
        self.proxy.fail_next("429")
        with self.assertRaises(refract.RateLimitedError) as caught:
            await self.via_proxy.get("rf_py_anything")
        self.assertEqual(1, len(self.proxy.seen))
        self.assertEqual(120, caught.exception.retry_after)

    async def test_no_answer_at_all_is_a_network_error_without_the_key(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        nowhere = client(self.api_key, f"http://127.0.0.1:{port}", FAST)
        with self.assertLogs("refract", level="DEBUG") as logged:
            with self.assertRaises(refract.NetworkError) as caught:
                await nowhere.get("rf_py_x")
        e = caught.exception
        self.assertEqual(4, e.attempts)
        self.assertEqual(0, e.http_status)
        self.assertEqual(3, len(logged.output), "each retry is logged")
        shown = "".join(traceback.format_exception(type(e), e, e.__traceback__)) + repr(e) + repr(nowhere)
        shown += "".join(logged.output)
        # what an error reporter records: the locals of every frame of the error and of the errors it chains
        chained = e
        while chained is not None:
            tb = chained.__traceback__
            while tb is not None:
                shown += repr(tb.tb_frame.f_locals)
                tb = tb.tb_next
            chained = chained.__cause__ or (None if chained.__suppress_context__ else chained.__context__)
        self.assertNotIn(self.api_key, shown)
        with self.assertRaises(TypeError):
            pickle.dumps(nowhere)


if __name__ == "__main__":
    unittest.main()
